"""Phrase rules for the triage assistant, kept as data, plus the text normaliser they assume.

Each rule says: if this pattern occurs in the *normalised* text, add ``weight`` to ``slug``.
Rules are written against normalised text, so they can rely on lower case, single spaces,
hyphens turned into spaces and the abbreviation spellings below ("a&g" -> "advice and guidance",
"med3"/"sick note" -> "fit note", "tto"/"tta" -> "tto", "f/u" -> "follow up", ...).

Weights are rough orders of magnitude, not fitted numbers:
  3    a phrase that on its own settles the category ("not commissioned", "no fit note")
  2    a strong request or situation cue ("gp to arrange", "referral returned")
  1    a supporting topic word ("echo", "shared care", "proforma")
A rule fires at most once per text. ``requires`` patterns must all match too; an ``unless``
pattern stops the rule (used for negation: "referral declined" is not the practice declining).

To change behaviour, edit this table and re-run ``python -m tracker.triage.evaluate``; tune
only against the tuning examples, never against the held-out ones.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    pattern: str  # regular expression over normalised text
    slug: str
    weight: float
    requires: tuple[str, ...] = ()
    unless: str | None = None


# --- normalisation ---------------------------------------------------------------------------

_PUNCT = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ",
})

# (pattern, replacement) applied in order after lower-casing and hyphen removal.
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    (r"\ba ?(?:&|\+) ?g\b|\ba and g\b", "advice and guidance"),
    (r"\badvice\s*(?:&|\+)\s*guidance\b", "advice and guidance"),
    (r"\be ?rs\b", "ers"),
    (r"\btt[oa]s?\b", "tto"),
    (r"\bopa\b", "outpatient appointment"),
    (r"\bf/u\b|\bfollowup\b|\bfolow up\b", "follow up"),
    (r"\bmed ?3s?\b|\bfit ?notes?\b|\bsick ?notes?\b|\bstatement of fitness for work\b", "fit note"),
    (r"\bpts\b", "patients"),
    (r"\bpt\b", "patient"),
    (r"\bpls\b|\bplz\b", "please"),
    (r"\bgp'?s\b", "gp"),
    (r"\bdnas\b|\bdid not attend\b|\bwas not brought\b|\bwnb\b", "dna"),
    (r"\b(\d+)/52\b", r"\1 weeks"),
    (r"\b(\d+)/12\b", r"\1 months"),
    (r"\b(\d+)/7\b", r"\1 days"),
    (r"\bwks?\b", "weeks"),
    (r"\brecieved\b", "received"),
    (r"\breferal\b", "referral"),
    (r"\brefered\b", "referred"),
    (r"\bx ?rays?\b|\bcxr\b", "xray"),
    (r"\buss\b", "ultrasound"),
    (r"&", " and "),
)
_ABBREVIATIONS = tuple((re.compile(p), r) for p, r in ABBREVIATIONS)
_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def normalise(text: str) -> str:
    """Lower-case, fold unicode look-alikes, spell out abbreviations, collapse whitespace."""
    text = unicodedata.normalize("NFKC", text).translate(_PUNCT).lower()
    text = _CONTROL.sub(" ", text)
    text = _HYPHEN.sub(" ", text)  # "post-op", "re-refer", "e-RS" read as separate words
    text = text.replace("n't", " not")  # "isn't" -> "is not", so negations match one way
    for pattern, replacement in _ABBREVIATIONS:
        text = pattern.sub(replacement, text)
    return _SPACES.sub(" ", text).strip()


# --- shared fragments ------------------------------------------------------------------------

# Who the work is pushed onto.
_US = r"(?:the )?(?:gp|practice|surgery|us|you)"
# Request wording: "GP to", "asked us to", "please could GP", "would be grateful if you could".
_ASK = (
    rf"(?:{_US} (?:to|should|could|would|can|will|please)"
    rf"|ask(?:s|ed|ing)? {_US} to|want(?:s|ed)? {_US} to|request(?:s|ed|ing)? {_US} to"
    rf"|please(?: could| can)?(?: {_US})?|grateful if {_US} could)"
)
_ARRANGE = r"(?:arrange|organi[sz]e|request|book|order|do|send off)"
_TESTS = (
    r"echo|mri|ct|ultrasound|xray|scan|spirometry|dexa|dopplers?|ecg|holter|bloods?|serology"
    r"|calprotectin|fit test|psa|synacthen|mrcp|ferritin|ana|anti ccp|u and e|investigations?"
)
_REFER = r"(?:refer(?:s|ral|red)?|re refer)"
_SPECIALIST_SERVICE = (
    r"dietetics|dietitian|physio(?:therapy)?|cardiac rehab|pulmonary rehab|headache service"
    r"|podiatry|orthotics|ophthalmology|continence service|memory clinic|fracture clinic"
    r"|smoking cessation|colorectal|vascular surgeons|ent"
)


def _words(*phrases: str) -> str:
    """A whole-word alternation of literal phrases."""
    return r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b"


RULES: tuple[Rule, ...] = (
    # --- non-commissioned: the practice declined; nothing commissions the work ---------------
    Rule(r"\bnot (?:adequately |a )?(?:commissioned|resourced)\b", "non-commissioned", 3.0),
    Rule(r"\bno (?:local |locally )?(?:commissioned|enhanced) service\b", "non-commissioned", 2.0),
    Rule(r"\bno (?:\w+ )?les\b|\blocally commissioned service\b", "non-commissioned", 3.0),
    Rule(r"\bno (?:\w+ ){0,2}(?:commissioned|funded)\b", "non-commissioned", 1.0),
    Rule(r"\bcommissioned (?:locally|by the icb|from gp)\b", "non-commissioned", 2.0),
    Rule(r"\b(?:is|was|are) not (?:a )?commissioned\b", "non-commissioned", 1.0),
    Rule(r"\b(?:we|so|and) declined\b|^declined\b|\bdeclined(?: as|:| \-|,)",
         "non-commissioned", 2.5, unless=r"\breferral (?:was )?declined\b|\bdeclined by\b"),
    Rule(r"\bnot resourced\b|\bnot adequately resourced\b", "non-commissioned", 1.0),
    Rule(r"\b(?:we )?(?:do not|does not) (?:provide|offer) (?:this|microsuction)?",
         "non-commissioned", 1.5),
    Rule(r"\b(?:returned|sent back|redirected) to (?:the )?(?:clinic|urology|hosp\w*|requester)\b",
         "non-commissioned", 1.0, requires=(r"\bdeclin",)),

    # --- investigations: asked to arrange tests the requesting clinician should arrange ------
    Rule(rf"\b{_ASK} {_ARRANGE}\b", "investigations", 2.0,
         unless=rf"\b{_ASK} {_ARRANGE} (?:a |an )?{_REFER}"),
    Rule(rf"\b(?:{_TESTS})\b", "investigations", 1.0),
    Rule(rf"\b(?:arrange|organi[sz]e|request|book) (?:a |an |the |outpatient |repeat )?(?:{_TESTS})\b",
         "investigations", 1.5),
    Rule(r"\b(?:before|prior to) (?:the |next |they will see)", "investigations", 1.0,
         requires=(rf"\b(?:{_TESTS})\b",)),
    Rule(r"\brefer for (?:a |an )?(?:dexa|scan|mri|ct|ultrasound|echo)", "investigations", 2.0),

    # --- fit-notes: no Med3 where one was medically appropriate ------------------------------
    Rule(r"\bfit note\b", "fit-notes", 3.0),
    Rule(r"\b(?:no|nil|not|without|did not issue|refused to issue) (?:a )?fit note\b",
         "fit-notes", 1.0),
    Rule(r"\b(?:weeks?|\d+ \w+) off(?: work)?\b|\boff work\b|\bunfit for work\b", "fit-notes", 1.5),
    Rule(r"\bemployer\b", "fit-notes", 2.0),

    # --- results-follow-up: results, follow-up, surveillance or checks left to the practice --
    Rule(r"\bresults?\b", "results-follow-up", 1.5),
    Rule(r"\b(?:for|of|give|gave|with) (?:\w+ )?(?:the |their |her |his |your )?(?:\w+ )?results?\b",
         "results-follow-up", 1.0),
    Rule(r"\bchase\b|\bchasing\b", "results-follow-up", 1.0),
    Rule(r"\bhistology\b|\btumour markers?\b|\bblood cultures\b", "results-follow-up", 1.0),
    Rule(r"\b(?:act|acting) on\b|\bnot actioned\b",
         "results-follow-up", 1.5),
    Rule(r"\bfollow(?:ing)? up (?:abnormal|of|bloods|results?)\b|\bleft to (?:us|practice|the practice)\b",
         "results-follow-up", 2.0),
    Rule(r"\bno follow up arranged\b|\bno recall\b|\brecall\b|\bsurveillance\b|\brecheck\b",
         "results-follow-up", 2.0),
    Rule(r"\bpost op check\b|\bwound review\b|\bcheck (?:her|his|the) wound\b|\bclips? out\b",
         "results-follow-up", 1.5),
    Rule(r"\b(?:abnormal|raised|low) (?:lfts?|crp|hba1c)\b",
         "results-follow-up", 1.0),
    Rule(r"\bnobody told\b|\blet the patient know\b",
         "results-follow-up", 1.0),

    # --- onward-referral: asked to refer on to another service -------------------------------
    Rule(rf"\b{_REFER} (?:\w+ )?to\b", "onward-referral", 2.0,
         unless=r"\b(?:returned|rejected|bounced)\b"),
    Rule(rf"\b(?:{_SPECIALIST_SERVICE})\b", "onward-referral", 1.0),
    Rule(rf"\b(?:{_US}|please|to|recommends|suggests|suggest) (?:make |send |a |an )*(?:{_REFER})\b",
         "onward-referral", 1.5),
    Rule(r"\brefer (?:her|him|them)\b", "onward-referral", 1.5),

    # --- prescribing: short supply, red/amber drugs, no shared care, non-formulary -----------
    Rule(r"\b(?:prescribe|prescribing|prescription|fp10)\b", "prescribing", 2.0),
    Rule(r"\bshared care\b", "prescribing", 1.5),
    Rule(r"\bno shared care\b|\bwithout (?:a )?shared care\b|\bshared care (?:\w+ )?not sent\b",
         "prescribing", 1.0),
    Rule(r"\b(?:red|amber) drug\b|\bnon formulary\b|\bnot on (?:the )?(?:local )?formulary\b|\bspecialist only\b",
         "prescribing", 2.5),
    Rule(r"\b\d+ days?'? (?:of|supply)\b|\bonly (?:\d+ days|supplied)\b|\bdays supplied\b",
         "prescribing", 2.0),
    Rule(r"\b(?:new (?:drug|meds|medication)|meds|medication)\b", "prescribing", 1.0),
    Rule(r"\btto\b", "prescribing", 1.0),
    Rule(r"\b(?:continue|take over|start|initiate)\b", "prescribing", 0.5),
    Rule(_words("apixaban", "methotrexate", "brivaracetam", "tacrolimus", "melatonin", "insulin",
                "denosumab", "lithium", "pregabalin", "enoxaparin", "sativex"), "prescribing", 1.0),

    # --- communication: late, missing or unclear letters; no contact route -------------------
    Rule(r"\bno (?:discharge summary|clinic letter|letter|correspondence)\b",
         "communication", 3.0),
    Rule(r"\b(?:letter|summary) received \d+ weeks\b|\bno (?:gp )?actions\b|\bactions? buried\b",
         "communication", 2.5),
    Rule(r"\bno (?:phone|email|direct line|named (?:consultant|clinician)|contact (?:details|route|number)|bleep|plan)\b",
         "communication", 2.0),
    Rule(r"\b(?:unclear|illegible|not documented|wrong practice|on behalf of the department|no diagnosis)\b",
         "communication", 2.0),
    Rule(r"\bcould not contact\b|\bcould not put us through\b|\bswitchboard\b|\bclarification\b",
         "communication", 1.5),
    Rule(r"\bask your gp\b|\bgp will sort\b|\bno letter has come\b", "communication", 1.5),
    Rule(r"\b(?:clinic letter|discharge summary|letter)\b", "communication", 0.5),

    # --- advice-guidance: A&G unanswered, slow, unusable, bounced ----------------------------
    Rule(r"\badvice and guidance\b", "advice-guidance", 3.0),
    Rule(r"\bers advice\b|\badvice request\b", "advice-guidance", 2.5),
    Rule(r"\b(?:no|without) (?:reply|response|actual advice|advice)\b|\bunanswered\b|\bawaiting reply\b",
         "advice-guidance", 1.0),
    Rule(r"\b(?:reply|response|answer)\b", "advice-guidance", 0.5),

    # --- referral-rejected: returned for format, DNA discharge, rejected at triage -----------
    Rule(r"\breferral (?:\w+ ){0,3}?(?:was )?(?:returned|rejected|bounced|declined)\b"
         r"|\b(?:rejected|returned|bounced) (?:\w+ )?referral\b",
         "referral-rejected", 3.0),
    Rule(r"\b(?:rejected|bounced|returned)\b", "referral-rejected", 1.0),
    Rule(r"\bproforma\b|\btemplate\b|\bcorrect form\b|\bresubmit\b",
         "referral-rejected", 1.5),
    Rule(r"\bdna\b|\bmissed (?:first |an? )?appointment\b", "referral-rejected", 2.5),
    Rule(r"\bre refer\b|\brefer back\b|\bdischarged back\b", "referral-rejected", 1.0,
         requires=(r"\bdna\b|\bmissed|\bdischarged\b",)),
    Rule(r"\btriage\b|\bdoes not meet criteria\b", "referral-rejected", 1.0),

    # --- pathway-gap: no pathway or no capacity; for the ICB and LMC --------------------------
    Rule(r"\bno (?:\w+ ){0,3}pathway\b|\bpathway for\b", "pathway-gap", 2.0,
         unless=r"\bdeclin"),
    Rule(r"\bno (?:nhs |local |community )?service\b|\bno capacity\b|\bno alternative\b|\bno replacement\b",
         "pathway-gap", 1.5, unless=r"\bdeclin"),
    Rule(r"\bclosed to (?:new )?referrals\b|\bdecommissioned\b|\bwaiting list\b|\bwaits?\b"
         r"|\bpaused\b|\bservice (?:stopped|withdrawn|closed)\b|\bnot available in\b",
         "pathway-gap", 2.0),
    Rule(r"\bcapacity\b|\bnowhere to go\b|\bour icb\b|\bour area\b", "pathway-gap", 1.0),

    # --- other: administrative requests outside the categories above --------------------------
    Rule(_words("insurance", "solicitor", "passport", "blue badge", "parking", "test entry",
                "please ignore", "next of kin", "medical records", "vaccination history",
                "registration status", "transport", "countersign", "cosmetic"), "other", 3.0),
)
