"""States and territories of the NCES CCD, with the facts the synthetic demo data is calibrated on.

FIPS codes, postal codes and the capitalised `STATENAME` spelling are those of
the CCD LEA files. `districts`, `median_enrollment` and `max_enrollment` come
from the 2023-24 CCD release aggregated per district (17,842 districts with
membership or staff data); GU and AS have no district there and get one, sized
like the real Guam and American Samoa departments. `zip3` is a typical first
three digits of the state's ZIP codes (New England and PR start with 0: a ZIP
read as a number loses it, like an LEAID).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class State:
    """One CCD state or territory (`ST`, `FIPST`, `STATENAME`) plus calibration facts."""

    postal: str
    fips: str
    name: str
    districts: int
    median_enrollment: int
    max_enrollment: int
    zip3: str


# postal, FIPS, STATENAME, districts, median enrollment, max enrollment, ZIP prefix
_ROWS: tuple[tuple[str, str, str, int, int, int, str], ...] = (
    ("AL", "01", "ALABAMA", 150, 2640, 50929, "350"),
    ("AK", "02", "ALASKA", 54, 402, 43363, "995"),
    ("AZ", "04", "ARIZONA", 216, 921, 57204, "850"),
    ("AR", "05", "ARKANSAS", 260, 903, 21788, "720"),
    ("CA", "06", "CALIFORNIA", 1985, 497, 419929, "930"),
    ("CO", "08", "COLORADO", 187, 531, 88258, "800"),
    ("CT", "09", "CONNECTICUT", 201, 1345, 19591, "060"),
    ("DE", "10", "DELAWARE", 42, 1360, 14546, "197"),
    ("DC", "11", "DISTRICT OF COLUMBIA", 72, 398, 51294, "200"),
    ("FL", "12", "FLORIDA", 82, 9253, 335500, "330"),
    ("GA", "13", "GEORGIA", 234, 2600, 182214, "300"),
    ("HI", "15", "HAWAII", 1, 169308, 169308, "967"),
    ("ID", "16", "IDAHO", 187, 468, 38991, "836"),
    ("IL", "17", "ILLINOIS", 918, 788, 322809, "600"),
    ("IN", "18", "INDIANA", 416, 1220, 28506, "460"),
    ("IA", "19", "IOWA", 327, 771, 30277, "500"),
    ("KS", "20", "KANSAS", 291, 531, 46516, "660"),
    ("KY", "21", "KENTUCKY", 171, 2183, 94793, "400"),
    ("LA", "22", "LOUISIANA", 189, 862, 50467, "700"),
    ("ME", "23", "MAINE", 266, 198, 6649, "040"),
    ("MD", "24", "MARYLAND", 25, 15179, 160223, "210"),
    ("MA", "25", "MASSACHUSETTS", 399, 1322, 45742, "010"),
    ("MI", "26", "MICHIGAN", 882, 758, 48271, "480"),
    ("MN", "27", "MINNESOTA", 550, 556, 38631, "550"),
    ("MS", "28", "MISSISSIPPI", 152, 1890, 34819, "386"),
    ("MO", "29", "MISSOURI", 564, 552, 24267, "630"),
    ("MT", "30", "MONTANA", 397, 113, 11089, "590"),
    ("NE", "31", "NEBRASKA", 272, 322, 51693, "680"),
    ("NV", "32", "NEVADA", 20, 2313, 309394, "890"),
    ("NH", "33", "NEW HAMPSHIRE", 196, 374, 11980, "030"),
    ("NJ", "34", "NEW JERSEY", 672, 982, 42791, "070"),
    ("NM", "35", "NEW MEXICO", 152, 342, 76756, "870"),
    ("NY", "36", "NEW YORK", 1059, 835, 60047, "120"),
    ("NC", "37", "NORTH CAROLINA", 335, 832, 161481, "270"),
    ("ND", "38", "NORTH DAKOTA", 170, 247, 14118, "580"),
    ("OH", "39", "OHIO", 1048, 804, 45181, "430"),
    ("OK", "40", "OKLAHOMA", 539, 425, 33562, "730"),
    ("OR", "41", "OREGON", 215, 700, 44039, "970"),
    ("PA", "42", "PENNSYLVANIA", 779, 1175, 117907, "150"),
    ("RI", "44", "RHODE ISLAND", 64, 1124, 19856, "028"),
    ("SC", "45", "SOUTH CAROLINA", 94, 3450, 78371, "290"),
    ("SD", "46", "SOUTH DAKOTA", 155, 342, 25216, "570"),
    ("TN", "47", "TENNESSEE", 148, 3106, 110057, "370"),
    ("TX", "48", "TEXAS", 1207, 901, 184109, "750"),
    ("UT", "49", "UTAH", 155, 635, 87051, "840"),
    ("VT", "50", "VERMONT", 134, 294, 4133, "050"),
    ("VA", "51", "VIRGINIA", 132, 3688, 180714, "220"),
    ("WA", "53", "WASHINGTON", 330, 774, 50770, "980"),
    ("WV", "54", "WEST VIRGINIA", 55, 3117, 23433, "250"),
    ("WI", "55", "WISCONSIN", 454, 840, 66864, "530"),
    ("WY", "56", "WYOMING", 61, 696, 13575, "820"),
    ("BI", "59", "BUREAU OF INDIAN EDUCATION", 174, 146, 1068, "870"),
    ("AS", "60", "AMERICAN SAMOA", 1, 12300, 12300, "967"),
    ("GU", "66", "GUAM", 1, 26100, 26100, "969"),
    ("MP", "69", "NORTHERN MARIANAS", 1, 9217, 9217, "969"),
    ("PR", "72", "PUERTO RICO", 1, 240910, 240910, "006"),
    ("VI", "78", "U.S. VIRGIN ISLANDS", 2, 5156, 5230, "008"),
)

STATES: tuple[State, ...] = tuple(State(*row) for row in _ROWS)
"""All 50 states, DC, the five territories and the BIE, in FIPS order."""

BY_POSTAL: dict[str, State] = {s.postal: s for s in STATES}
BY_FIPS: dict[str, State] = {s.fips: s for s in STATES}

FULL_SCALE_DISTRICTS = sum(s.districts for s in STATES)
"""17,844: the 17,842 districts of the 2023-24 release plus one each for GU and AS."""
