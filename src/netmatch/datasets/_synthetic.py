"""A synthetic member network of any size, with a realistic vocabulary, for benchmarks."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import numpy as np

from ..errors import InvalidInputError
from ..model import Member
from ..network import Network
from ._vocabulary import (
    EN_NEED_TEMPLATES,
    EN_QUALIFIERS,
    FIRST_NAMES,
    FR_NEED_TEMPLATES,
    FR_QUALIFIERS,
    LAST_NAMES,
    ORGANISATION_SUFFIXES,
    REGIONS,
    SECTORS,
)

__all__ = ["make_network"]

SeedLike = int | np.random.Generator | None

_SECTOR_NAMES = tuple(SECTORS)
_TERMS: tuple[tuple[str, str], ...] = tuple(t for terms in SECTORS.values() for t in terms)
_SECTOR_SIZE = np.array([len(t) for t in SECTORS.values()], dtype=np.int64)
_SECTOR_START = np.concatenate(([0], np.cumsum(_SECTOR_SIZE)[:-1])).astype(np.int64)
_CITIES = tuple((region, city) for region, cities in REGIONS for city in cities)
_REGION_CITY_START = np.cumsum([0] + [len(c) for _, c in REGIONS])
# Shares of skills drawn from the member's own sector, of members writing in
# English, and of skills written without accents (as typed on a phone).
_OWN_SECTOR_SHARE = 0.75
_QUALIFIER_SHARE = 0.5
_UNACCENTED_SHARE = 0.05
_IN_CLUSTER_SHARE = 0.9
_NEEDS_PER_MEMBER_P = (0.15, 0.45, 0.3, 0.1)  # 0, 1, 2 or 3 needs


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _check_count(value: object, field: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InvalidInputError(
            f"{field} must be an int, got {type(value).__name__} {value!r}", field=field
        )
    if value < minimum:
        raise InvalidInputError(f"{field} must be >= {minimum}, got {value!r}", field=field)
    return int(value)


def _check_share(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise InvalidInputError(f"{field} must be a number in [0, 1], got {value!r}", field=field)
    return float(value)


def _texts(codes: np.ndarray, build: Callable[[int], str]) -> list[str]:
    """Render integer codes to strings, building each distinct string once."""
    unique, inverse = np.unique(codes, return_inverse=True)
    table = [build(c) for c in unique.tolist()]
    return [table[i] for i in inverse.ravel().tolist()]


def _skill_texts(
    rng: np.random.Generator, sector: np.ndarray, english: np.ndarray, counts: np.ndarray
) -> list[str]:
    owner = np.repeat(np.arange(len(sector)), counts)
    total = len(owner)
    own = rng.random(total) < _OWN_SECTOR_SHARE
    owner_sector = sector[owner]
    in_sector = _SECTOR_START[owner_sector] + (
        rng.random(total) * _SECTOR_SIZE[owner_sector]
    ).astype(np.int64)
    term = np.where(own, in_sector, rng.integers(len(_TERMS), size=total))
    lang = (english[owner] | (rng.random(total) < 0.05)).astype(np.int64)
    n_qual = max(len(FR_QUALIFIERS), len(EN_QUALIFIERS))
    qualifier = np.where(rng.random(total) < _QUALIFIER_SHARE, rng.integers(n_qual, size=total), -1)
    unaccented = (rng.random(total) < _UNACCENTED_SHARE).astype(np.int64)

    def build(code: int) -> str:
        code, strip = divmod(code, 2)
        code, q = divmod(code, n_qual + 1)
        t, language = divmod(code, 2)
        text = _TERMS[t][language]
        if q:
            qualifiers = EN_QUALIFIERS if language else FR_QUALIFIERS
            text = f"{text} {qualifiers[(q - 1) % len(qualifiers)]}"
        return _strip_accents(text) if strip else text

    # A member must not list the same skill twice (Member would merge them and the
    # member would fall below 3 skills): redraw the term of repeated skills until
    # every member's texts are distinct. Two codes may render the same text (an
    # unaccented term without accents), so compare texts, not codes.
    table: dict[int, str] = {}
    text_ids: dict[str, int] = {}
    for _ in range(100):
        codes = ((term * 2 + lang) * (n_qual + 1) + (qualifier + 1)) * 2 + unaccented
        unique, inverse = np.unique(codes, return_inverse=True)
        ids = np.empty(len(unique), dtype=np.int64)
        for k, code in enumerate(unique.tolist()):
            text = table.setdefault(code, build(code))
            ids[k] = text_ids.setdefault(text, len(text_ids))
        key = owner * (len(text_ids) + 1) + ids[inverse.ravel()]
        order = np.argsort(key, kind="stable")
        repeated = np.zeros(total, dtype=bool)
        repeated[order[1:][key[order][1:] == key[order][:-1]]] = True
        if not repeated.any():
            break
        term[repeated] = rng.integers(len(_TERMS), size=int(repeated.sum()))
    texts = [table[c] for c in unique.tolist()]
    return [texts[i] for i in inverse.ravel().tolist()]


def _need_texts(rng: np.random.Generator, english: np.ndarray, counts: np.ndarray) -> list[str]:
    owner = np.repeat(np.arange(len(english)), counts)
    total = len(owner)
    term = rng.integers(len(_TERMS), size=total)
    lang = (english[owner] | (rng.random(total) < 0.1)).astype(np.int64)
    n_templates = max(len(FR_NEED_TEMPLATES), len(EN_NEED_TEMPLATES))
    template = rng.integers(n_templates, size=total)
    codes = (term * 2 + lang) * n_templates + template

    def build(code: int) -> str:
        code, k = divmod(code, n_templates)
        t, language = divmod(code, 2)
        templates = EN_NEED_TEMPLATES if language else FR_NEED_TEMPLATES
        return templates[k % len(templates)].format(term=_TERMS[t][language])

    return _texts(codes, build)


def _acquaintance_pairs(
    rng: np.random.Generator,
    cluster: np.ndarray,
    n_clusters: int,
    degree: tuple[int, int],
) -> np.ndarray:
    """Clustered acquaintances as an (m, 2) array of member indexes, i < j, unique."""
    n = len(cluster)
    order = np.argsort(cluster, kind="stable")
    size = np.bincount(cluster, minlength=n_clusters)
    start = np.concatenate(([0], np.cumsum(size)[:-1]))
    # Each member initiates about half of their acquaintances; the other half
    # comes from others initiating, so degrees average the drawn target.
    initiated = (rng.integers(degree[0], degree[1] + 1, size=n) + 1) // 2
    source = np.repeat(np.arange(n), initiated)
    total = len(source)
    src_cluster = cluster[source]
    in_cluster = order[
        start[src_cluster] + (rng.random(total) * size[src_cluster]).astype(np.int64)
    ]
    anywhere = rng.integers(n, size=total)
    target = np.where(rng.random(total) < _IN_CLUSTER_SHARE, in_cluster, anywhere)
    keep = source != target
    lo = np.minimum(source[keep], target[keep]).astype(np.int64)
    hi = np.maximum(source[keep], target[keep]).astype(np.int64)
    codes = np.unique(lo * n + hi)
    return np.stack(np.divmod(codes, n), axis=1)


def make_network(
    n_members: int,
    *,
    seed: SeedLike = None,
    n_clusters: int | None = None,
    acquaintances: tuple[int, int] = (5, 20),
    english_share: float = 0.15,
    name: str | None = None,
) -> Network:
    """Generate a synthetic member network with a realistic vocabulary.

    Members belong to clusters (clubs) tied to a region; each has a sector, a
    location near a real city of that region, 3 to 7 skills and 0 to 3 needs. Skills
    are composed from about 200 domain terms in 15 sectors, in French or English,
    with an optional qualifier ("pour PME", "for startups"), a few written without
    accents: several thousand distinct skill texts at scale. Needs are sentences
    ("Je recherche un partenaire en …", "besoin d'aide en …", "looking for …")
    around a term that other members offer. Acquaintances are clustered: mostly
    within the member's cluster, a few anywhere.

    Parameters
    ----------
    n_members : int
        Number of members (ids ``m0``, ``m1``, … padded to the same width).
    seed : int, numpy.random.Generator or None
        Same seed, same network.
    n_clusters : int, optional
        Number of clusters; by default one per 60 members.
    acquaintances : (int, int)
        Range of the number of acquaintances drawn per member (inclusive); the
        realised average is close to the middle of the range, slightly less after
        duplicates are merged.
    english_share : float
        Share of members who write their profile in English; others write in
        French with a few English terms.
    name : str, optional
        Name of the network; ``"synthetic-<n_members>"`` by default.

    Returns
    -------
    Network

    Raises
    ------
    InvalidInputError
        If a count or share is out of range; the message names the value.

    Notes
    -----
    Text and graph are drawn with vectorised numpy operations and each distinct
    skill or need text is built once. For 100,000 members (about 590,000
    acquaintances, 10,000 distinct skills) generation takes a few seconds on an
    idle core; roughly two thirds of it is spent validating the
    :class:`~netmatch.Member` records and recording acquaintances in the
    :class:`~netmatch.Network`.

    Examples
    --------
    >>> net = nm.datasets.make_network(200, seed=1)
    >>> len(net)
    200
    >>> net == nm.datasets.make_network(200, seed=1)
    True
    >>> all(3 <= len(m.skills) <= 7 for m in net)
    True
    """
    n = _check_count(n_members, "n_members", 0)
    k = max(1, round(n / 60)) if n_clusters is None else _check_count(n_clusters, "n_clusters", 1)
    try:
        low, high = (int(x) for x in acquaintances)
    except (TypeError, ValueError):
        raise InvalidInputError(
            f"acquaintances must be a (min, max) pair of ints, got {acquaintances!r}",
            field="acquaintances",
        ) from None
    if not 0 <= low <= high:
        raise InvalidInputError(
            f"acquaintances must satisfy 0 <= min <= max, got {acquaintances!r}",
            field="acquaintances",
        )
    share = _check_share(english_share, "english_share")
    rng = np.random.default_rng(seed)
    network = Network(name=name if name is not None else f"synthetic-{n}")
    if n == 0:
        return network

    # Clusters of uneven sizes, each tied to a region and a home city.
    cluster = rng.choice(k, size=n, p=rng.dirichlet(np.full(k, 4.0)))
    cluster_region = rng.integers(len(REGIONS), size=k)
    region = cluster_region[cluster]
    n_cities = np.diff(_REGION_CITY_START)
    home_city = _REGION_CITY_START[cluster_region] + (
        rng.random(k) * n_cities[cluster_region]
    ).astype(np.int64)
    other_city = _REGION_CITY_START[region] + (rng.random(n) * n_cities[region]).astype(np.int64)
    city = np.where(rng.random(n) < 0.7, home_city[cluster], other_city)
    city_lat = np.array([c[1] for _, cities in REGIONS for c in cities])
    city_lon = np.array([c[2] for _, cities in REGIONS for c in cities])
    lat = np.round(city_lat[city] + rng.normal(0.0, 0.03, n), 4)
    lon = np.round(city_lon[city] + rng.normal(0.0, 0.04, n), 4)

    sector = rng.integers(len(_SECTOR_NAMES), size=n)
    english = rng.random(n) < share
    skill_counts = rng.integers(3, 8, size=n)
    need_counts = rng.choice(len(_NEEDS_PER_MEMBER_P), size=n, p=_NEEDS_PER_MEMBER_P)
    skills = _skill_texts(rng, sector, english, skill_counts)
    needs = _need_texts(rng, english, need_counts)
    first = rng.integers(len(FIRST_NAMES), size=n)
    last = rng.integers(len(LAST_NAMES), size=n)
    suffix = rng.integers(len(ORGANISATION_SUFFIXES), size=n)
    has_org = rng.random(n) < 0.9
    has_site = rng.random(n) < 0.3
    pairs = _acquaintance_pairs(rng, cluster, k, (low, high))

    width = len(str(n - 1))
    ids = [f"m{i:0{width}d}" for i in range(n)]
    slugs = [_strip_accents(s).lower().replace(" ", "").replace("'", "") for s in LAST_NAMES]
    skill_end = np.cumsum(skill_counts).tolist()
    need_end = np.cumsum(need_counts).tolist()
    region_names = [r for r, _ in REGIONS]
    s0 = n0 = 0
    members = []
    for i, (f, la, su, org, site, sec, reg, y, x, s1, n1) in enumerate(
        zip(
            first.tolist(),
            last.tolist(),
            suffix.tolist(),
            has_org.tolist(),
            has_site.tolist(),
            sector.tolist(),
            region.tolist(),
            lat.tolist(),
            lon.tolist(),
            skill_end,
            need_end,
            strict=True,
        )
    ):
        members.append(
            Member(
                ids[i],
                f"{FIRST_NAMES[f]} {LAST_NAMES[la]}",
                organisation=f"{LAST_NAMES[la]} {ORGANISATION_SUFFIXES[su]}" if org else None,
                sector=_SECTOR_NAMES[sec],
                region=region_names[reg],
                location=(y, x),
                skills=skills[s0:s1],
                needs=needs[n0:n1],
                website=f"https://www.{slugs[la]}{i}.example" if site else None,
            )
        )
        s0, n0 = s1, n1
    network.add_members(members)
    network.add_acquaintances((ids[a], ids[b]) for a, b in pairs.tolist())
    return network
