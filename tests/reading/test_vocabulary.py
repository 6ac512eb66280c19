"""The built-in skills and occupations vocabulary (matcher/data/vocabulary.json): its shape, its
coverage of the sectors where language-light work concentrates, and a few readings people rely on.

New skills (after the first 201 concepts) carry sector null: fixtures/generate.py draws two
skills per sector of a candidate's past job (Labels.ids), so a new skill in a sector would
change the generated fixtures. Their sector shows through the occupations they relate to.
"""

import json
import re
from collections import Counter
from importlib import resources

import pytest

from matcher.reading.vocabulary import accentless, builtin_vocabulary, normalise, skeleton

SECTORS = {
    "logistics": "port logistics and warehousing",
    "transport": "driving and transport",
    "cleaning": "cleaning",
    "hospitality": "hospitality and kitchen",
    "construction": "construction and trades",
    "manufacturing": "manufacturing and production",
    "horticulture": "horticulture and agriculture",
    "retail": "retail",
    "care": "care and health support",
    "childcare": "childcare",
    "office": "office and administration",
    "it": "IT",
}
ESCO_OCCUPATION = re.compile(
    r"http://data\.europa\.eu/esco/occupation/"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
SHORT_WORDS = {"kok", "juf"}
"""Real words under four letters that stand as labels: "kok" (cook) and "juf" (teacher)."""


def _raw() -> dict:
    text = resources.files("matcher.data").joinpath("vocabulary.json").read_text("utf-8")
    return json.loads(text)


CONCEPTS = _raw()["concepts"]


def _labels(concept: dict) -> list[tuple[str, str]]:
    return [(lang, label) for lang, labels in concept["labels"].items() for label in labels]


def test_ids_are_unique_snake_case():
    ids = [c["id"] for c in CONCEPTS]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert [i for i in ids if not re.fullmatch(r"[a-z][a-z0-9_]*", i)] == []


def test_at_least_400_concepts():
    assert len(CONCEPTS) >= 400
    assert len(builtin_vocabulary().concepts) == len(CONCEPTS)


def test_every_concept_has_dutch_and_english_labels():
    assert [
        c["id"] for c in CONCEPTS if not c["labels"].get("nl") or not c["labels"].get("en")
    ] == []


def test_ukrainian_and_russian_labels_for_at_least_90_percent_and_in_cyrillic():
    both = [c for c in CONCEPTS if c["labels"].get("uk") and c["labels"].get("ru")]
    assert len(both) >= 0.9 * len(CONCEPTS)
    latin_only = [
        (c["id"], label)
        for c in CONCEPTS
        for lang, label in _labels(c)
        if lang in ("uk", "ru") and not CYRILLIC.search(label)
    ]
    assert latin_only == []


def test_every_related_id_exists_and_is_another_concept():
    known = {c["id"] for c in CONCEPTS}
    bad = [(c["id"], r) for c in CONCEPTS for r in c["related"] if r not in known or r == c["id"]]
    assert bad == []


@pytest.mark.parametrize("key", [normalise, accentless, skeleton], ids=lambda f: f.__name__)
def test_no_label_belongs_to_two_concepts(key):
    """Under any key the reader or the fixture generator meets labels by: the exact one, with
    every accent stripped (fixtures/generate.py checks that too), and the transliterated,
    spelling-folded skeleton, where "лашер" and "lasser" would meet and one concept would lose
    its label."""
    owner: dict[str, str] = {}
    clashes = []
    for c in CONCEPTS:
        for lang, label in _labels(c):
            folded = key(label)
            assert folded, (c["id"], label)
            if owner.setdefault(folded, c["id"]) != c["id"]:
                clashes.append((label, lang, owner[folded], c["id"]))
    assert clashes == []


def test_short_labels_are_acronyms():
    short = [
        (c["id"], label)
        for c in CONCEPTS
        for _, label in _labels(c)
        if len(normalise(label)) < 4
        and label != label.upper()
        and normalise(label) not in SHORT_WORDS
    ]
    assert short == []


def test_esco_uris_are_occupation_uris_and_unique():
    uris = [c["esco_uri"] for c in CONCEPTS if c["esco_uri"]]
    assert [u for u in uris if not ESCO_OCCUPATION.fullmatch(u)] == []
    assert [u for u, n in Counter(uris).items() if n > 1] == []
    assert [c["id"] for c in CONCEPTS if c["kind"] == "skill" and c["esco_uri"]] == []
    assert {c["kind"] for c in CONCEPTS} == {"skill", "occupation"}


@pytest.mark.parametrize("sector", sorted(SECTORS))
def test_every_sector_has_at_least_15_concepts(sector):
    assert sum(c["sector"] == sector for c in CONCEPTS) >= 15, SECTORS[sector]


def test_sectors_are_the_known_ones_and_every_occupation_has_one():
    assert {c["sector"] for c in CONCEPTS} - {None} == set(SECTORS)
    assert [c["id"] for c in CONCEPTS if c["kind"] == "occupation" and not c["sector"]] == []


def test_every_occupation_relates_to_a_skill():
    vocabulary = builtin_vocabulary()
    lonely = [
        cid
        for cid, c in vocabulary.concepts.items()
        if c.kind == "occupation"
        and not any(vocabulary.concepts[r].kind == "skill" for r in vocabulary.related_ids(cid))
    ]
    assert lonely == []


# ------------------------------------------------------------------ readings people rely on


def _same_concept(*phrases: str) -> str:
    vocabulary = builtin_vocabulary()
    read = {p: vocabulary.read(p).concept_id for p in phrases}
    assert len(set(read.values())) == 1, read
    concept = next(iter(read.values()))
    assert concept is not None, read
    return concept


def test_a_forklift_driver_in_dutch_english_ukrainian_and_russian():
    assert (
        builtin_vocabulary().read("heftruckchauffeur").concept_id
        == builtin_vocabulary().read("forklift driver").concept_id
        == builtin_vocabulary().read("водій навантажувача").concept_id
    )
    assert _same_concept("водитель погрузчика", "cariste", "heftruckchauffeur") == "forklift_driver"


def test_a_cleaner_whatever_the_language_or_gender():
    concept = _same_concept(
        "schoonmaker",
        "schoonmaakster",
        "cleaner",
        "прибиральник",
        "прибиральниця",
        "уборщик",
        "уборщица",
    )
    assert concept == "cleaner"


def test_a_cook_whatever_the_language():
    assert _same_concept("kok", "cook", "кухар", "кухарка", "повар", "cuisinier") == "cook"


@pytest.mark.parametrize(
    ("phrases", "concept"),
    [
        (("kraanman", "crane operator", "кранівник", "крановщик", "grutier"), "crane_operator"),
        (("dakwerker", "roofer", "покрівельник", "кровельщик", "couvreur"), "roofer"),
        (("stellingbouwer", "scaffolder", "монтажник риштувань", "монтажник лесов"), "scaffolder"),
        (("procesoperator", "process operator", "апаратник", "аппаратчик"), "process_operator"),
        (
            ("champignonplukker", "mushroom picker", "збирачка грибів", "сборщица грибов"),
            "mushroom_picker",
        ),
        (("kapster", "hairdresser", "перукарка", "парикмахер", "coiffeuse"), "hairdresser"),
        (("tandartsassistente", "dental assistant", "асистентка стоматолога"), "dental_assistant"),
        (
            ("onthaalouder", "registered childminder", "assistante maternelle"),
            "family_daycare_provider",
        ),
        (("loonadministratie", "payroll", "розрахунок заробітної плати"), "payroll"),
        (("1С:Бухгалтерія", "1С:Бухгалтерия", "1C accounting"), "one_c_accounting"),
        (("postbode", "postwoman", "листоноша", "почтальон", "factrice"), "postman"),
        (("slijpen", "grinding", "шліфування", "шлифовка"), "grinding_deburring"),
    ],
)
def test_new_concepts_read_the_same_across_languages(phrases, concept):
    assert _same_concept(*phrases) == concept


def test_a_reach_truck_driver_partly_matches_a_forklift_job():
    vocabulary = builtin_vocabulary()
    reach = vocabulary.read("reachtruckchauffeur").concept_id
    assert reach == "reach_truck_driver"
    assert "forklift_driver" in vocabulary.related_ids(reach)
    straddle = vocabulary.read("straddle carrier driver").concept_id
    assert "straddle_carrier_driving" in vocabulary.related_ids(straddle)


@pytest.mark.parametrize(
    ("occupation", "skill"),
    [
        ("roofer", "working_at_heights"),
        ("crane_operator", "crane_operation"),
        ("tanker_driver", "adr"),
        ("process_operator", "process_control"),
        ("sheet_metal_worker", "press_brake"),
        ("mushroom_picker", "mushroom_harvesting"),
        ("nail_technician", "nail_care"),
        ("sterilisation_technician", "sterilisation"),
        ("school_bus_attendant", "child_supervision"),
        ("payroll_administrator", "payroll"),
        ("devops_engineer", "devops"),
    ],
)
def test_an_occupation_relates_to_its_core_skills(occupation, skill):
    assert skill in builtin_vocabulary().related_ids(occupation)


@pytest.mark.parametrize(
    "phrase",
    [
        "work",
        "helper",
        "worker",
        "medewerker",
        "werk",
        "робота",
        "працівниця",
        "работа",
        "robota",
        "Medewerker (m/v/x)",
        "помощник",
        "опыт работы",
        "office",
        "zorg",
        "Kantoor",
        "офіс",
        "aide",
    ],
)
def test_a_word_that_names_no_job_reads_as_nothing(phrase):
    """Guessing would pick whichever label shares the letters: "робота" was read as machine
    operation, "work" as MS Office, "worker" as arborist."""
    assert builtin_vocabulary().read(phrase).concept_id is None


@pytest.mark.parametrize(
    ("phrase", "concept"),
    [
        ("робота на складі", "warehouse_worker"),
        ("работа на погрузчике", "forklift_driving"),
        ("medewerker schoonmaak", "cleaner"),
        ("kitchen helper", "kitchen_assistant"),
        ("assistant office", "administrative_assistant"),
        ("zorg hulp", "care_assistant"),
        ("medewerker zorg", "care_assistant"),
    ],
)
def test_with_a_word_that_names_the_job_or_its_sector_it_reads_as_usual(phrase, concept):
    assert builtin_vocabulary().read(phrase).concept_id == concept
