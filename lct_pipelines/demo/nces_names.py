"""District names of the demo NCES files: invented places, each state's naming style, and the planted names."""

from __future__ import annotations

import numpy as np

from lct_pipelines.demo.nces_plan import LEVEL_ELEMENTARY, LEVEL_SECONDARY
from lct_pipelines.nces.geography import State

# Named districts: non-ASCII (cp1252-encodable) and CSV-hostile names, with the state that gets them.
SPECIAL_NAMES = (
    ("NM", "Peñasco Independent Schools"),
    ("NM", "Doña Ana Community Schools"),
    ("NM", "Española Public Schools"),
    ("CO", "Cañon City RE-1"),
    ("AZ", "Smith, Jones and Lee Charter School"),
    ("MI", 'Academy of "Excellence" Charter'),
    ("CA", 'Lincoln, Adams & "Polk" Unified'),
)
ANASCO = ("PR", "Escuela Especializada de Añasco")  # a closed LEA: directory only

_PLACE_WORDS = """
Oak Maple Cedar River Lake Spring Green Fair Clear Pine Elm Ash Willow Stone Mill Brook Red White Silver Golden North
South East West New High Rock Sand Bear Deer Eagle Fox Hawk Wolf Iron Copper Prairie Meadow Sun Cherry Apple Walnut
Hickory Cotton Harbor Bridge Union Liberty Franklin Jefferson Madison Lincoln Jackson Monroe Clay Marion Warren Greene
Wayne Hamilton Fulton Morgan Carroll Clinton
"""
_PLACE_ENDINGS = (
    "field ville ton dale wood view land ford port burg haven ridge mont crest side brook creek water well ley"
)
_WORDS_A = tuple(_PLACE_WORDS.split())
_WORDS_B = tuple(_PLACE_ENDINGS.split())
_WORDS_C = (" Valley", " Springs", " Falls", " Heights", " Grove", " Center", " Junction", " Hills", " Plains")
_WORDS_D = ("Lake ", "Mount ", "Port ", "Fort ", "Glen ", "Saint ")
STATEWIDE_NAMES = {
    "HI": "Hawaii Department of Education",
    "PR": "Puerto Rico Department of Education",
    "GU": "Guam Department of Education",
    "AS": "American Samoa Department of Education",
    "MP": "Commonwealth of the Northern Mariana Islands Public School System",
}
DCPS = "District of Columbia Public Schools"
_CHARTER_FORMS = (
    "{p} Academy", "{p} Preparatory Academy", "{p} Charter School", "{p} Leadership Academy",
    "{p} STEM Academy", "{p} Classical Academy", "{p} Community Charter", "{p} Arts Academy",
)  # fmt: skip


def place_names(rng: np.random.Generator, k: int) -> list[str]:
    a = rng.integers(0, len(_WORDS_A), k)
    b = rng.integers(0, len(_WORDS_B), k)
    c = rng.integers(0, len(_WORDS_C), k)
    d = rng.integers(0, len(_WORDS_D), k)
    form = rng.random(k)
    out = []
    for i in range(k):
        word = _WORDS_A[a[i]]
        if form[i] < 0.65:
            out.append(word + _WORDS_B[b[i]])
        elif form[i] < 0.9:
            out.append(word + _WORDS_C[c[i]])
        else:
            out.append(_WORDS_D[d[i]] + word)
    return out


def district_name(s: State, place: str, level: int, charter: bool, lea_type: int, i: int, main: bool) -> str:
    """A plausible LEA_NAME in the naming style of the state (`main`: an open regular district)."""
    p, st, num = place, s.postal, 1 + (i * 37) % 300
    if main and st in STATEWIDE_NAMES:
        return STATEWIDE_NAMES[st]
    if st == "VI":
        return "St. Croix School District" if i % 2 else "St. Thomas - St. John School District"
    if charter:
        return _CHARTER_FORMS[i % len(_CHARTER_FORMS)].format(p=p)
    if lea_type == 3:
        return f"SAU {num:02d}" if st == "NH" else f"{p} Supervisory Union"
    if lea_type == 4:
        return {"NY": f"{p} BOCES", "TX": f"Region {num % 20 + 1} Education Service Center"}.get(
            st, f"{p} Regional Education Service Agency"
        )
    if lea_type == 5:
        return f"{s.name.title()} School for the Deaf" if i % 2 else f"{s.name.title()} Department of Juvenile Justice"
    if lea_type in (8, 9):
        return f"{p} Virtual Academy" if i % 2 else f"{p} Special Education Cooperative"
    if st == "BI":
        return f"{p} {('Day School', 'Community School', 'Boarding School', 'Tribal School')[i % 4]}"
    if st == "DC":
        return DCPS
    if level == LEVEL_ELEMENTARY:
        return {
            "CA": f"{p} Elementary",
            "IL": f"{p} SD {num}",
            "MT": f"{p} Elem",
            "NJ": f"{p} Township School District",
        }.get(st, f"{p} Elementary School District")
    if level == LEVEL_SECONDARY:
        return {"CA": f"{p} Union High", "IL": f"{p} Twp HSD {num}", "MT": f"{p} H S"}.get(
            st, f"{p} High School District"
        )
    county = ("AL", "GA", "FL", "MD", "KY", "TN", "VA", "NC", "SC", "WV", "LA", "MS", "UT", "NV")
    if st in county:
        return f"{p} County" if i % 3 else f"{p} City"
    styles = {
        "TX": f"{p} ISD",
        "CA": f"{p} Unified",
        "NY": f"{p} Central School District",
        "PA": f"{p} Area School District",
        "IL": f"{p} CUSD {num}",
        "OH": f"{p} Local" if i % 2 else f"{p} City",
        "NJ": f"{p} Public School District",
        "IA": f"{p} Community School District",
        "MN": f"{p} Public School District",
        "OK": f"{p} Public Schools",
    }
    return styles.get(st, f"{p} School District" if i % 2 else f"{p} Public Schools")
