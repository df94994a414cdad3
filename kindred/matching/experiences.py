"""The curated list of lived experiences people and supporters can share. Each organisation can add
its own (the Experience model); keys are stable, names are what people read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Curated:
    key: str
    name: str
    snomed_code: str = ""


# SNOMED CT codes are the clinical findings/disorders where one clearly fits; optional.
CURATED: tuple[Curated, ...] = (
    Curated("copd", "COPD", "13645005"),
    Curated("diabetes", "Diabetes", "73211009"),
    Curated("stroke", "Stroke", "230690007"),
    Curated("heart_disease", "Heart disease", "56265001"),
    Curated("cancer", "Cancer", "363346000"),
    Curated("meningitis", "Meningitis or septicaemia", "7180009"),
    Curated("hiv", "HIV", "86406008"),
    Curated("dementia", "Dementia (including as a carer)", "52448006"),
    Curated("fibromyalgia", "Fibromyalgia", "203082005"),
    Curated("chronic_pain", "Chronic pain", "82423001"),
    Curated("depression", "Depression", "35489007"),
    Curated("anxiety", "Anxiety", "197480006"),
    Curated("bipolar", "Bipolar disorder", "13746004"),
    Curated("psychosis", "Psychosis", "69322001"),
    Curated("personality_disorder", "Personality disorder", "33449004"),
    Curated("bereavement", "Bereavement"),
    Curated("addiction_recovery", "Addiction recovery"),
    Curated("caring", "Caring for someone"),
)
CURATED_KEYS = frozenset(c.key for c in CURATED)
