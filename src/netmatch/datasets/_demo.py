"""The demo network shipped with the package: 140 members of French business clubs."""

from __future__ import annotations

import pathlib
from importlib import resources

from ..io import read_csv
from ..network import Network

__all__ = ["demo_path", "load_demo"]

_DEMO_FILE = "demo_members.csv"


def demo_path() -> pathlib.Path:
    """Return the path of the demo network's CSV file, shipped with the package.

    The file is UTF-8, comma-delimited, with the header
    ``id,name,organisation,sector,region,lat,lon,website,skills,needs,knows``;
    multi-valued cells (skills, needs, knows) are separated by ``|``. Copy it as a
    template for your own members.

    Returns
    -------
    pathlib.Path
        The installed ``netmatch/datasets/demo_members.csv``.

    Examples
    --------
    >>> path = nm.datasets.demo_path()
    >>> path.name
    'demo_members.csv'
    >>> path.read_text(encoding="utf-8").splitlines()[0]
    'id,name,organisation,sector,region,lat,lon,website,skills,needs,knows'
    """
    resource = resources.files(__package__).joinpath(_DEMO_FILE)
    return pathlib.Path(str(resource))


def load_demo() -> Network:
    """Load the demo network: 140 members of ten French business clubs.

    The members belong to "clubs d'entreprises" across French regions
    (Auvergne-Rhône-Alpes, Bretagne, Occitanie, Île-de-France, Nouvelle-Aquitaine,
    Hauts-de-France, Grand Est, Pays de la Loire, Provence-Alpes-Côte d'Azur,
    Normandie and Centre-Val de Loire), work in 15 sectors, declare 3 to 7 skills
    written as people write them (mostly French, some English, a few typos and
    missing accents) and 0 to 3 needs written as on a badge. Acquaintances are
    clustered by club, with a few bridges between clubs and a few isolated members.
    Names, organisations and websites are invented.

    Returns
    -------
    Network
        A new network, named ``"demo"``, each call returning an independent copy.

    See Also
    --------
    demo_path : the CSV file it is read from.
    make_network : a synthetic network of any size.

    Examples
    --------
    >>> net = nm.datasets.load_demo()
    >>> len(net)
    140
    >>> m = net.member("m003")
    >>> m.name, m.sector
    ('Claire Vasseur', 'Bois')
    >>> m.needs[0]
    'Recherche de partenaires dans le secteur du home staging'
    """
    return read_csv(demo_path(), name="demo")
