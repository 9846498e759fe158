"""Labelled example texts for tuning and evaluating the triage assistant.

Every text is invented, written in the style of what practices log: clinic letters, discharge
summaries (TTO/TTA), ED letters, A&G replies, e-RS rejections and phone calls. None contains
patient-identifiable data (no names, NHS numbers, dates of birth, postcodes or emails).

The split is fixed by the first column of each row and never recomputed:

* ``T`` rows form the TUNING set: the phrase rules in ``phrases.py`` may be adjusted to them.
* ``H`` rows form the HELD-OUT set (about one third): they were written together with the
  tuning rows, before any phrase rule existed, and the rules must not be tuned to them.
  Changing a row's split, or editing a held-out text after seeing results, breaks the estimate.

New confirmed examples (the category a user accepted beside the category suggested) belong in
the reports table, not here; they feed ``learning.learn_weights`` instead.
"""

from __future__ import annotations

from dataclasses import dataclass

TUNING = "tuning"
HELD_OUT = "held-out"


@dataclass(frozen=True)
class Example:
    text: str
    slug: str
    split: str  # TUNING or HELD_OUT


# (split marker, expected slug, text). Grouped by category for reading; order carries no meaning.
_ROWS: tuple[tuple[str, str, str], ...] = (
    # --- non-commissioned: the practice DECLINED work because nothing commissions it ----------
    ("T", "non-commissioned", "Declined 24-hour BP monitoring requested by cardiology: not commissioned locally"),
    ("T", "non-commissioned", "Renal clinic asked us to do weekly U&Es during ACEi titration - declined, no LES for this monitoring"),
    ("T", "non-commissioned", "Dermatology asked the practice to do a punch biopsy. Declined as minor surgery for skin biopsies isn't commissioned by the ICB."),
    ("T", "non-commissioned", "Rheumatology requested we monitor methotrexate bloods. No shared care LES in place so declined and returned to clinic."),
    ("T", "non-commissioned", "Gynae asked practice to fit ring pessary and change 6 monthly - we don't provide this, not commissioned, letter sent back"),
    ("T", "non-commissioned", "ENT asked GP to do ear microsuction. Practice does not offer microsuction - no locally commissioned service. Declined."),
    ("T", "non-commissioned", "Declined: ward wanted practice nurse to do daily post-op wound packing. Not resourced for complex wound care."),
    ("T", "non-commissioned", "Haem asked us to do venesection every 3 months - declined, not a commissioned service at this surgery"),
    ("T", "non-commissioned", "Urology request for us to change suprapubic catheter. We have no commissioned pathway for SPC changes; declined and returned to urology"),
    ("T", "non-commissioned", "Declined Holter/ambulatory ECG request from medics as there's no local enhanced service for it"),
    ("T", "non-commissioned", "Endocrine want practice to give testosterone (Nebido) injections - declined, no LES and not adequately resourced"),
    ("T", "non-commissioned", "ADHD clinic asked us to do BP/pulse/weight monitoring for stimulants. declined - not commissioned, no funded shared care"),
    ("H", "non-commissioned", "Declined request from vascular team to carry out ABPI measurement - not a commissioned service in our PCN"),
    ("H", "non-commissioned", "Cardiology asked us to arrange 7 day ECG monitor. We've declined as this isn't locally commissioned and asked them to arrange it themselves."),
    ("H", "non-commissioned", "Hepatology wants 3-monthly LFTs and AFP monitoring done in primary care; practice declined, no funded monitoring service"),
    ("H", "non-commissioned", "Request from metabolic bone clinic to administer zoledronic acid infusion at the surgery - declined, no locally commissioned service"),
    ("H", "non-commissioned", "Spinal team asked GP to remove sutures and dress complex wound - declined as not resourced / not commissioned, returned to team"),
    ("H", "non-commissioned", "Paeds asked us to take blood from a 3 yr old for repeat ferritin. No paediatric phlebotomy commissioned locally so declined."),
    ("T", "non-commissioned", "Letter from Northfield University Hospitals NHS FT vascular clinic asking practice to do weekly leg ulcer dressings + compression. We declined - complex leg ulcer care not commissioned from GP in this ICB, patient signposted back to tissue viability."),
    ("T", "non-commissioned", "pt asked us to do INR monitoring for warfarin started by haematology, we have no anticoag LES so declined & redirected to hosp anticoag clinic"),
    ("H", "non-commissioned", "Declined to do post-op drain removal asked for by the breast team, no commissioned service and not resourced for it"),
    # --- investigations: secondary care asked the practice to arrange tests --------------------
    ("T", "investigations", "Cardiology letter: GP to arrange echo before review"),
    ("T", "investigations", "Clinic letter from respiratory: please could GP request spirometry and a repeat CXR in 6 weeks"),
    ("T", "investigations", "Discharge summary: GP to arrange outpatient CT abdomen to exclude malignancy"),
    ("T", "investigations", "Gastro OPA letter asks us to organise a FIT test and ferritin before next appt"),
    ("T", "investigations", "Neuro clinic - 'we would be grateful if the GP could arrange an MRI head'"),
    ("T", "investigations", "ED letter: pls arrange USS abdo via GP for ?gallstones"),
    ("T", "investigations", "Ortho asked us to request an MRI knee before they will see pt again"),
    ("T", "investigations", "Endocrinology letter asks practice to do a short synacthen test"),
    ("T", "investigations", "Urology: GP to arrange PSA, U&E and renal USS prior to clinic"),
    ("T", "investigations", "Rheum clinic requested GP to send off ANA, ENA, anti-CCP and xrays of hands and feet"),
    ("T", "investigations", "Vascular surgeons letter asks GP to book carotid dopplers"),
    ("T", "investigations", "TTO note says 'GP please arrange liver ultrasound and MRCP'"),
    ("H", "investigations", "Letter from haematology: kindly arrange a blood film, haematinics and myeloma screen before we see her"),
    ("H", "investigations", "Cardiology OPA - GP to organise 24 hr tape and bloods before follow up"),
    ("H", "investigations", "Discharged from AMU, letter says GP to request outpatient echocardiogram"),
    ("H", "investigations", "Resp consultant asked us to arrange full lung function tests and HRCT"),
    ("H", "investigations", "ENT clinic letter: please could GP arrange audiology and an MRI IAMs"),
    ("H", "investigations", "Gynae asked practice to book a pelvic ultrasound before their clinic"),
    ("T", "investigations", "Clinic letter (Gastroenterology, County General Hospital): 'Plan: 1) GP to arrange coeliac serology and faecal calprotectin 2) review in 3/12'"),
    ("T", "investigations", "Consultant asked us to refer for a DEXA scan before they decide on treatment"),
    ("H", "investigations", "St Elsewhere's neurology letter asks GP to organise nerve conduction studies and B12/folate"),
    # --- fit-notes: no Med3 where one was medically appropriate ---------------------------------
    ("T", "fit-notes", "Post-op, 6 weeks off work advised, no fit note issued"),
    ("T", "fit-notes", "Discharged after hip replacement, no Med3 given, patient rang for sick note"),
    ("T", "fit-notes", "Pt attended for fit note - hospital told him GP would do it after his surgery"),
    ("T", "fit-notes", "Discharge summary says 'unfit for work for 4 weeks' but no fit note provided"),
    ("T", "fit-notes", "ED told patient to get a sick note from GP for time off after wrist fracture"),
    ("T", "fit-notes", "Ortho clinic advised 8/52 off work, didn't issue med 3, sent to GP"),
    ("T", "fit-notes", "Pt seen in fracture clinic, told to see GP for a fitnote"),
    ("T", "fit-notes", "No fit note on discharge following lap cholecystectomy; pt needs one for employer"),
    ("T", "fit-notes", "Hospital refused to issue a med3 and told pt 'your GP does those'"),
    ("T", "fit-notes", "Gynae day surgery - advised 2 weeks off, no sicknote issued"),
    ("T", "fit-notes", "Working-age patient discharged from stroke unit, not given a statement of fitness for work"),
    ("T", "fit-notes", "Cardiology inpatient stay 10 days, nil fitnote, employer asking for cover for the admission"),
    ("H", "fit-notes", "Post hernia repair, surgeon said 4 weeks off but no fit note, patient phoned practice"),
    ("H", "fit-notes", "Discharged from ward following MI, told to ask GP for sick note"),
    ("H", "fit-notes", "Fracture clinic did not provide Med3 despite advising no work for 6/52"),
    ("H", "fit-notes", "Pt needs a fit note covering her hospital admission - ward didn't do one"),
    ("H", "fit-notes", "Plastics clinic told pt GP would sign him off work after hand surgery"),
    ("H", "fit-notes", "No fitnote issued by day-case unit after knee arthroscopy, advised 2 weeks off"),
    ("T", "fit-notes", "pt discharged from surgical ward at Riverside General following appendicectomy, advised 2/52 off work, no fit note, came in to request one"),
    ("T", "fit-notes", "Employer chasing Med 3 for the period of hospital stay, hospital told pt to get it from GP"),
    ("H", "fit-notes", "ED discharged with a fractured ankle, told to see GP for sicknote"),
    # --- results-follow-up: results / follow-up / surveillance left to the practice ------------
    ("T", "results-follow-up", "Patient told to ring the GP for their MRI result"),
    ("T", "results-follow-up", "Hospital phoned pt and said 'your GP will give you the biopsy results'"),
    ("T", "results-follow-up", "Asked to chase histology from colonoscopy done at the trust"),
    ("T", "results-follow-up", "Discharge letter: GP to follow up abnormal LFTs requested by the ward"),
    ("T", "results-follow-up", "Post-op check and wound review left to practice, no f/u arranged by surgical team"),
    ("T", "results-follow-up", "Respiratory discharged pt and asked GP to recall annually for lung nodule surveillance"),
    ("T", "results-follow-up", "Rheumatology requested bloods but results came to us, asked to act on raised CRP"),
    ("T", "results-follow-up", "Pt told by ED to contact GP for the result of blood cultures"),
    ("T", "results-follow-up", "Oncology asked GP to check results of the tumour markers they sent and let the patient know"),
    ("T", "results-follow-up", "Patient has had echo at hospital, nobody told her the result, told to ring surgery"),
    ("T", "results-follow-up", "Ward asked GP to recheck potassium 1 week post discharge and act on result"),
    ("T", "results-follow-up", "Follow up of thyroid function left to us by endocrine after RAI treatment, no recall set up"),
    ("H", "results-follow-up", "Patient rang: hospital said results of her CT would be sent to GP to discuss"),
    ("H", "results-follow-up", "Urology want us to chase PSA they requested and action it"),
    ("H", "results-follow-up", "Asked to review and inform pt of the results of the sleep study performed by the trust"),
    ("H", "results-follow-up", "Post TURP follow up left to GP - letter says 'GP to review in 6 weeks'"),
    ("H", "results-follow-up", "Hospital did bloods in clinic, didn't action abnormal sodium, pt told to see GP about it"),
    ("H", "results-follow-up", "Colorectal discharged after polypectomy, asked GP to arrange surveillance colonoscopy recall in 3 years"),
    ("T", "results-follow-up", "Lab results from hospital outpatient clinic copied to us only, abnormal HbA1c not actioned by the requesting team"),
    ("T", "results-follow-up", "Pt told by surgical team that GP would check her wound, take clips out at 10 days and go through the histology"),
    ("H", "results-follow-up", "Gastro letter: 'results of the calprotectin will go to the GP who can let the patient know'"),
    # --- onward-referral: practice asked to refer on when the hospital should ------------------
    ("T", "onward-referral", "Gastroenterology: please refer to dietetics"),
    ("T", "onward-referral", "Ortho letter asks GP to refer to physio"),
    ("T", "onward-referral", "Cardiology suggests GP refers to cardiac rehab"),
    ("T", "onward-referral", "Neuro clinic: 'please refer to the headache service'"),
    ("T", "onward-referral", "Rheumatology OPA - GP to make referral to podiatry"),
    ("T", "onward-referral", "ED advised patient to get the GP to refer him to fracture clinic"),
    ("T", "onward-referral", "Diabetes team asked us to re-refer to ophthalmology for retinopathy"),
    ("T", "onward-referral", "Urology letter recommends GP refers to continence service"),
    ("T", "onward-referral", "Respiratory clinic asked GP to refer to pulmonary rehab and smoking cessation"),
    ("T", "onward-referral", "Discharge summary: GP to refer to memory clinic"),
    ("T", "onward-referral", "Gynae asked us to send a referral to colorectal for her bowel symptoms"),
    ("T", "onward-referral", "Haematology: 'we suggest referral to the vascular surgeons, please can GP do this'"),
    ("H", "onward-referral", "Dermatology clinic asks practice to refer to plastics for excision"),
    ("H", "onward-referral", "ENT letter: GP please refer on to SALT"),
    ("H", "onward-referral", "Stroke unit discharge - GP to refer for community neuro rehab"),
    ("H", "onward-referral", "Cardiology recommends referral to the lipid clinic by GP"),
    ("H", "onward-referral", "Pain clinic asked us to refer the patient to psychology"),
    ("H", "onward-referral", "Orthopaedics want GP to send a new referral to the spinal team"),
    ("T", "onward-referral", "Letter from the Royal Infirmary rheumatology clinic: 'I would be grateful if you could refer her to orthotics'"),
    ("T", "onward-referral", "ED letter - advised to see GP for referal to ENT"),
    ("H", "onward-referral", "Breast clinic suggests the GP refers to the family history/genetics service"),
    # --- prescribing: short supply, red/amber drugs without shared care, non-formulary ---------
    ("T", "prescribing", "Discharged with 3 days of a new drug, asked GP to continue"),
    ("T", "prescribing", "TTO only 7 days of apixaban, ward asked us to prescribe ongoing"),
    ("T", "prescribing", "Rheumatology asked GP to start methotrexate without a shared care agreement"),
    ("T", "prescribing", "Neurology recommend we prescribe brivaracetam which is non-formulary"),
    ("T", "prescribing", "Red drug - hospital wants us to take over prescribing of tacrolimus"),
    ("T", "prescribing", "Clinic letter asks GP to initiate amber drug (melatonin) with no shared care in place"),
    ("T", "prescribing", "Discharged on 5 days' supply of insulin with no pens/needles, asked GP to prescribe"),
    ("T", "prescribing", "TTA omitted the new meds, patient came to surgery for a prescription"),
    ("T", "prescribing", "Outpatient clinic changed meds and asked us to issue FP10 rather than hospital supply"),
    ("T", "prescribing", "Specialist asked GP to prescribe denosumab, no shared care protocol agreed"),
    ("T", "prescribing", "Psychiatry wants GP to prescribe lithium, shared care documents not sent"),
    ("T", "prescribing", "Pain clinic recommended pregabalin 300mg bd - not on local formulary"),
    ("H", "prescribing", "Discharge meds: 2 days of antibiotics and LMWH, GP asked to supply the rest"),
    ("H", "prescribing", "Clinic asked us to prescribe dronedarone, amber drug without shared-care"),
    ("H", "prescribing", "Dermatology requesting GP prescribe isotretinoin"),
    ("H", "prescribing", "Hospital pharmacy only gave 3 days TTO, patient ran out, needed urgent script"),
    ("H", "prescribing", "Letter recommends a non formulary product and asks GP to switch"),
    ("H", "prescribing", "Gastro wants practice to take on azathioprine prescribing, no SCA received"),
    ("T", "prescribing", "Discharge summary from Westbrook Hospital: new enoxaparin for 28 days, only 3 days supplied, GP to continue"),
    ("T", "prescribing", "Consultant letter requests GP prescribes Sativex - specialist only, no shared care agreement"),
    ("H", "prescribing", "Discharged without TTO medication, patient rang surgery asking for their new tablets"),
    # --- communication: late/missing/unclear letters, no contact route -------------------------
    ("T", "communication", "Letter signed 'on behalf of the department', no phone or email"),
    ("T", "communication", "No discharge summary received 3 weeks after admission"),
    ("T", "communication", "Clinic letter recieved 6 weeks after the appointment"),
    ("T", "communication", "Patient told by hospital to 'ask your GP' but no letter received"),
    ("T", "communication", "GP actions buried on page 4 of the discharge summary"),
    ("T", "communication", "Discharge summary unclear - medication changes not documented"),
    ("T", "communication", "Could not contact the consultant's secretary, no direct line on letter"),
    ("T", "communication", "Letter addressed to wrong practice, no named consultant"),
    ("T", "communication", "ED letter illegible, no contact details for the team"),
    ("T", "communication", "Pt attended saying the hospital changed her meds, we have had no correspondence"),
    ("T", "communication", "Clinic letter contains no plan and no contact route for queries"),
    ("T", "communication", "Tried to ring the ward for clarification, switchboard couldn't put us through, no bleep or email given"),
    ("H", "communication", "Still awaiting clinic letter from last month's respiratory appointment"),
    ("H", "communication", "Discharge summary had no named consultant and no ward contact number"),
    ("H", "communication", "Patient says hospital told her GP would sort it; nothing in writing from the trust"),
    ("H", "communication", "Letter from orthopaedics dictated but not typed for 8 weeks"),
    ("H", "communication", "Actions for GP not clearly stated in letter - had to phone to clarify"),
    ("H", "communication", "No contact details on the letter and the generic department email bounced"),
    ("T", "communication", "Discharge summary recieved but no GP actions, no diagnosis and no medication list"),
    ("T", "communication", "Patient rang - told by clinic the GP will sort out their plan, no letter has come through"),
    ("H", "communication", "Clinic letter only sent to patient, practice never copied in"),
    # --- advice-guidance: A&G unanswered, slow, unusable, bounced ------------------------------
    ("T", "advice-guidance", "A&G unanswered after 15 working days"),
    ("T", "advice-guidance", "Advice and guidance request to cardiology - no reply after 3 weeks"),
    ("T", "advice-guidance", "A+G reply just said 'please refer', took 12 days"),
    ("T", "advice-guidance", "Referral converted to A&G and bounced back with a list of tests for us to do"),
    ("T", "advice-guidance", "A&G response: 'GP to manage', no actual advice given"),
    ("T", "advice-guidance", "Sent A and G to gastro, reply unusable - just copied the CKS page"),
    ("T", "advice-guidance", "e-RS advice request returned with no advice"),
    ("T", "advice-guidance", "A&G from dermatology recommended GP does the biopsy and refers back"),
    ("T", "advice-guidance", "Advice & guidance to haematology closed without response"),
    ("T", "advice-guidance", "A&G reply took 4 weeks, pt deteriorated meanwhile"),
    ("T", "advice-guidance", "Our referral was turned into an advice and guidance request without our agreement and returned"),
    ("T", "advice-guidance", "A+G answer asked us to ring the registrar, who then wasn't available"),
    ("H", "advice-guidance", "No response to advice & guidance query to endocrinology after 10 working days"),
    ("H", "advice-guidance", "A&G response passed all the work to practice - 'please do bloods, start treatment and refer if no improvement'"),
    ("H", "advice-guidance", "Rheum A&G returned: 'unable to advise without seeing patient', but no offer of appointment"),
    ("H", "advice-guidance", "Advice and guidance request still open after a month"),
    ("H", "advice-guidance", "Referral to urology converted to A&G, returned saying manage in primary care"),
    ("H", "advice-guidance", "A&G reply irrelevant to the question asked"),
    ("T", "advice-guidance", "A&G sent to respiratory 3 wks ago, still awaiting reply, patient chasing"),
    ("T", "advice-guidance", "A & G reply: 'GP to do full work-up and re-refer if abnormal'"),
    ("H", "advice-guidance", "Advice and guidance response took 19 working days and did not answer the question"),
    # --- referral-rejected: returned for format, DNA discharge, rejected at triage -------------
    ("T", "referral-rejected", "Referral returned: must use dermatology proforma"),
    ("T", "referral-rejected", "e-RS referral rejected - wrong template"),
    ("T", "referral-rejected", "Discharged after one DNA, letter asks GP to re-refer if still needed"),
    ("T", "referral-rejected", "Referral rejected at triage and returned to GP with no advice"),
    ("T", "referral-rejected", "2WW referral bounced as not on the correct form"),
    ("T", "referral-rejected", "Ortho referral returned as 'needs X-ray first'"),
    ("T", "referral-rejected", "Patient missed first appointment (hospital letter went to old address), discharged back to GP"),
    ("T", "referral-rejected", "MSK referral rejected - does not meet criteria, no alternative suggested"),
    ("T", "referral-rejected", "ERS: referral returned, 'please resubmit via the new pathway'"),
    ("T", "referral-rejected", "Gynae rejected referral as proforma incomplete"),
    ("T", "referral-rejected", "Referral declined by neurology triage and sent back"),
    ("T", "referral-rejected", "Was not brought to appointment, paeds discharged and asking GP to re-refer"),
    ("H", "referral-rejected", "Referral bounced back by ENT: not using the local referral form"),
    ("H", "referral-rejected", "Patient DNA'd once and was discharged; GP asked to refer again"),
    ("H", "referral-rejected", "e-RS rejection: insufficient information, please re-refer with BMI and bloods"),
    ("H", "referral-rejected", "Rheumatology returned our letter-based referral requesting their proforma"),
    ("H", "referral-rejected", "Referral rejected by triage consultant, told to refer elsewhere"),
    ("H", "referral-rejected", "Referral cancelled after missed appointment, hospital asked for a fresh referral"),
    ("T", "referral-rejected", "Referral to T&O rejected via e-RS: 'please use MSK triage service'"),
    ("T", "referral-rejected", "Patient discharged by diabetes clinic after did not attend, we're asked to refer back if needed"),
    ("H", "referral-rejected", "Urgent referral to the breast clinic returned as the wrong form had been used"),
    # --- pathway-gap: no pathway or no capacity; for the ICB and LMC ---------------------------
    ("T", "pathway-gap", "No commissioned adult ADHD pathway; requests keep arriving"),
    ("T", "pathway-gap", "No NHS service for adult autism assessment locally, waiting list closed"),
    ("T", "pathway-gap", "No local pathway for gender dysphoria follow up, GIC asked us to manage"),
    ("T", "pathway-gap", "Lymphoedema service closed to new referrals, no alternative commissioned"),
    ("T", "pathway-gap", "Waiting list for ENT outpatients over 70 weeks, no capacity"),
    ("T", "pathway-gap", "Long COVID clinic decommissioned, patients sent back to GP"),
    ("T", "pathway-gap", "No community pathway for ear wax removal, patients have nowhere to go"),
    ("T", "pathway-gap", "Menopause clinic closed to referrals, no capacity in gynae"),
    ("T", "pathway-gap", "There is no pathway for chronic fatigue syndrome in our ICB"),
    ("T", "pathway-gap", "Trust has paused all routine dermatology referrals due to capacity"),
    ("T", "pathway-gap", "Vasectomy service stopped when the provider contract ended, no replacement"),
    ("T", "pathway-gap", "Tier 3 weight management service not available in our area"),
    ("H", "pathway-gap", "No locally commissioned pathway for post-bariatric surgery follow-up"),
    ("H", "pathway-gap", "Adult dyslexia/dyspraxia assessment - no service exists"),
    ("H", "pathway-gap", "Neurology outpatient capacity insufficient, 18 month wait for routine appointment"),
    ("H", "pathway-gap", "Hearing aid provider stopped taking new patients, no alternative audiology service"),
    ("H", "pathway-gap", "Community paediatrics closed to ASD referrals; families coming back to GP"),
    ("H", "pathway-gap", "Need ICB/LMC to review the pathway for hepatitis C follow-up - nobody commissioned"),
    ("T", "pathway-gap", "Community gynaecology service withdrawn, no pathway for coil fitting referrals in our area"),
    ("T", "pathway-gap", "Routine rheumatology waits now 60 weeks; trust says no capacity to see new patients"),
    ("H", "pathway-gap", "Psychiatry told us there is no service for adults with eating disorders in our ICB"),
    # --- other: none of the above ---------------------------------------------------------------
    ("T", "other", "Hospital transport asked practice to confirm patient's mobility"),
    ("T", "other", "Insurance company letter asking GP to complete a claim form"),
    ("T", "other", "Request for GP to countersign passport application"),
    ("T", "other", "Hospital asked us to send a copy of the vaccination history"),
    ("T", "other", "Solicitor requesting medical records"),
    ("T", "other", "Trust asked practice to update the patient's contact details on their system"),
    ("T", "other", "Test entry please ignore"),
    ("T", "other", "Parking permit letter requested by patient, mentions hospital appointment"),
    ("T", "other", "Complaint from patient about hospital car parking"),
    ("T", "other", "Query about sharing records with the private hospital"),
    ("T", "other", "Hospital asked practice to confirm patient's registration status"),
    ("T", "other", "Blue badge form request following surgery"),
    ("H", "other", "DVLA form to complete after hospital admission"),
    ("H", "other", "Request for GP to witness signature for hospital research consent"),
    ("H", "other", "Patient asked for a letter for the gym"),
    ("H", "other", "Care home requested a copy of the latest clinic letter for their records"),
    ("H", "other", "Hospital volunteer service asked about patient's transport needs"),
    ("H", "other", "asdf"),
    ("T", "other", "Letter from private clinic asking GP to provide a summary of records for cosmetic surgery"),
    ("T", "other", "Hospital chaplaincy asked practice for next of kin details"),
    ("H", "other", "Firearms licensing request received"),
)

_SPLITS = {"T": TUNING, "H": HELD_OUT}

EXAMPLES: tuple[Example, ...] = tuple(Example(text, slug, _SPLITS[mark]) for mark, slug, text in _ROWS)


def examples(split: str | None = None) -> tuple[Example, ...]:
    """All examples, or only those of one split (TUNING or HELD_OUT)."""
    if split is None:
        return EXAMPLES
    if split not in (TUNING, HELD_OUT):
        raise ValueError(f"unknown split: {split!r}")
    return tuple(e for e in EXAMPLES if e.split == split)
