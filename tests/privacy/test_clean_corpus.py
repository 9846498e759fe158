"""Realistic report texts that must pass the guard untouched.

Each is the kind of thing practice staff write when logging hospital work
pushed onto the practice: clinic dates, doses, durations, wards, trust and
ODS codes, TFC codes, switchboard numbers, UBRNs, readings and money.
"""

import pytest

from tracker.privacy import scan

CLEAN_REPORTS = (
    "Discharge letter from OUH (RTH) dated 12/03/2025 asks practice to arrange repeat U&E in 2 weeks.",
    "Seen in cardiology clinic on 12/03/2025; letter asks GP to increase amlodipine 5mg od to 10mg od.",
    "Review 3/4/25 in respiratory clinic, TFC 340. Hospital asked GP to arrange spirometry.",
    "Patient discharged from Ward 7B on 04-02-2025 with no TTOs; GP asked to prescribe 7 days of co-amoxiclav 625mg tds.",
    "AMU discharge summary asks practice to repeat LFTs in 6 weeks and refer to hepatology if still raised.",
    "Consultant letter (TFC 320) requests GP to start bisoprolol 1.25mg od and titrate every 2 weeks.",
    "Outpatient appointment cancelled by the trust; patient told to contact GP to re-refer. Switchboard 0300 304 7777.",
    "John Radcliffe switchboard 01865 741166 could not give an outpatient date, so patient asked GP to chase.",
    "Guy's and St Thomas' (RJ1) asked us to do the post-op wound check; main number 020 7188 7188.",
    "Manchester University NHS Foundation Trust (R0A) asked practice to take bloods for their clinic on 21/05/2025.",
    "Leeds Teaching Hospitals (RR8) letter: please arrange 24-hour ECG locally. Call 0113 243 3144 with queries.",
    "e-RS referral rejected and returned to GP with advice only. UBRN 0001 2345 6789.",
    "Advice and guidance reply asked GP to arrange ultrasound abdomen and re-refer; UBRN 000123456789.",
    "BP 150/95 at 14:30 in clinic; hospital asked GP to do home BP monitoring for 7 days.",
    "Patient charged £40 by private provider for a letter the hospital should have sent to us.",
    "Hospital asked patient to get a fit note from GP for 4 weeks after surgery on 02/01/2025.",
    "Discharged from the Churchill on 1 g paracetamol qds and 30/500 co-codamol; asked GP to review in 5 days.",
    "Letter asks GP to request a DEXA scan and start alendronic acid 70mg once weekly.",
    "Patient age 54 told by ED to see GP for results of CT done on 11.02.2025.",
    "Orthopaedic clinic (TFC 110) asked GP to refer to physio rather than referring directly.",
    "Rheumatology asked GP to do monthly methotrexate monitoring bloods (FBC, U&E, LFT) for 3 months.",
    "Fracture clinic discharged to GP for removal of sutures at day 10-14.",
    "Ophthalmology (TFC 130) letter: GP to prescribe chloramphenicol 0.5% drops qds for 5 days.",
    "Hospital pharmacy did not supply TTOs; patient sent to GP for 28 days of apixaban 5mg bd.",
    "Gastro clinic asked GP to repeat faecal calprotectin in 6 weeks and re-refer if over 200.",
    "Urology letter: GP to request PSA in 3 months and refer back if rising.",
    "Diabetes team asked practice to increase gliclazide 80mg bd to 160mg bd; HbA1c 68 mmol/mol.",
    "ED told patient to see GP same day for wound dressing, no district nurse referral made.",
    "Mental health trust asked GP to start sertraline 50mg and review in 2 weeks, no shared care agreement in place.",
    "ENT asked GP to arrange hearing test locally; patient lives in OX3, audiology is at the JR.",
    "Clinic letter dated 17 March 2025 asks GP to refer to dietitian.",
    "Seen 12th Mar 2025 in pre-op assessment; practice asked to do ECG and MRSA swabs.",
    "Follow-up bloods requested for 2025-04-01 to be taken by GP practice nurse.",
    "Vitamin B12 injections 1mg every 3 months to be given by practice; hospital started loading doses.",
    "B12 2nd dose due next week, hospital asked practice to give it.",
    "Endocrinology asked GP to arrange 9am cortisol and TFTs before their clinic on 09/06/2025.",
    "Paediatrics letter: GP to prescribe movicol paediatric 1-2 sachets od and review in 4 weeks.",
    "Neurology (TFC 400) asked GP to do MRI safety questionnaire and request MRI head.",
    "Hospital asked practice to chase their own histology result from 03/03/2025.",
    "Dermatology asked GP to do a punch biopsy; we do not provide this service. Contact 0118 322 5111.",
    "Royal Berkshire (RHW) asked GP to prescribe an unlicensed special; cost £120 per pack.",
    "Discharge summary missing; patient left Ward 5A on 14/04/2025 with a catheter and no plan.",
    "Community team asked practice to arrange catheter change every 12 weeks.",
    "Anticoagulation clinic discharged patient to GP for INR monitoring, target 2.5, without handover.",
    "Trust asked us to complete the DVLA form for their patient after seizure on 5/5/25.",
    "Haematology asked GP to repeat ferritin and start ferrous fumarate 210mg bd for 3 months.",
    "Cardiology asked GP to refer for echo; waiting list 18 weeks, booked via e-RS.",
    "Surgical team asked us to remove clips at 10 days; Ward C, Level 2, ext 4321.",
    "Maternity unit asked GP to do 6-week baby check and mum's postnatal review, and prescribe folic acid 5mg.",
    "Newborn hearing screen follow-up pushed to GP by the hospital on 10/02/2025.",
    "Patient born at 32 weeks; neonatal team asked GP to give the 8-week vaccinations.",
    "Hospital asked GP to action results of bloods they took in clinic on 28/02/2025 (Hb 98 g/L).",
    "Outpatient letter requested GP to prescribe 2 x 100mg tablets nocte for 14 days then stop.",
    "MRN not provided in letter and hospital number unknown; we logged the case anyway.",
    "DOB not given. Seen 12/03/2025 in AMU and asked to see GP for repeat bloods.",
    "Seen 12/03/2025, DOB not recorded on the letter; hospital asked GP to chase MRI.",
    "NHS number not on the discharge letter; trust asked to resend it securely.",
    "Pain clinic asked GP to start pregabalin 75mg bd and increase to 150mg bd after 1 week.",
    "Sleep clinic wants GP to refer for CPAP; service is commissioned by the ICB, not primary care.",
    "Stroke team (TFC 328) asked practice to arrange 7-day Holter monitor.",
    "Trust sent 3 letters on 1/4/25, 2/4/25 and 3/4/25 all asking GP to book the same scan.",
    "Hospital asked us to do a home visit for a housebound patient's bloods at 08:45.",
    "Clinic moved from 10:30 to 14:00 and hospital asked GP to tell the patient.",
    "Ward 7B nurse phoned asking GP to fax a repeat prescription list; number given 01865 221 573.",
    "Letter from Buckinghamshire Healthcare (RXQ) dated 3 April 2025: GP to refer for community physio.",
    "Consultant asked GP to increase levothyroxine from 50 micrograms to 75 micrograms od and recheck TFTs in 6-8 weeks.",
    "Bay B6 2hr obs finished, patient sent home and told to see GP in 48 hours.",
    "S1 nerve root compression on MRI; spinal team asked GP to refer to pain clinic.",
    "Lumbar L4/5 disc prolapse; hospital asked GP to request repeat MRI in 12 weeks.",
    "Hospital pharmacy asked GP to switch to brand Nexplanon; cost difference £8.50.",
    "Seen in ED at 02:15 on 06/07/2025, told to get GP to refer to fracture clinic.",
)


def test_corpus_is_big_enough() -> None:
    assert len(CLEAN_REPORTS) >= 60
    assert len(set(CLEAN_REPORTS)) == len(CLEAN_REPORTS)


@pytest.mark.parametrize("text", CLEAN_REPORTS)
def test_clean_report_passes(text: str) -> None:
    assert scan(text) == []


def test_clean_corpus_passes_as_one_text() -> None:
    # Joined, boundaries between reports must not create identifiers either.
    assert scan("\n".join(CLEAN_REPORTS)) == []
    assert scan(" ".join(CLEAN_REPORTS)) == []
