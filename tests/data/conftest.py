"""Tiny files in the shapes real users bring, built in code (nothing is downloaded).

Every fixture returns raw ``bytes`` exactly as they would sit on disk, so the same content can
be handed to the loaders as a path, as bytes or as an uploaded-file object.
"""

from __future__ import annotations

import io

import pytest

# MovieLens-100k u.data: headerless, tab-separated ``user item rating timestamp``.
# Three users with 4 / 3 / 3 ratings; timestamps deliberately out of file order for user 196.
ML100K_ROWS = [
    ("196", "242", 3, 881250949),
    ("186", "302", 3, 891717742),
    ("22", "377", 1, 878887116),
    ("196", "51", 2, 880606923),
    ("186", "346", 1, 886397596),
    ("22", "474", 4, 884182806),
    ("196", "265", 2, 881251111),
    ("186", "465", 5, 891719999),
    ("22", "31", 3, 878888888),
    ("196", "1", 5, 881252222),
]

# MovieLens latest ratings.csv: ``userId,movieId,rating,timestamp`` with a header.
RATINGS_CSV = (
    "userId,movieId,rating,timestamp\n"
    "1,1,4.0,964982703\n"
    "1,3,4.5,964981247\n"
    "1,6,4.0,964982224\n"
    "5,47,5.0,964983815\n"
    "5,50,0.5,964982931\n"
    "5,70,3.0,964982400\n"
)

# Last.fm hetrec user_artists.dat: tab-separated play counts with a header, no timestamps.
LASTFM_TSV = "userID\tartistID\tweight\n2\t51\t13883\n2\t52\t11690\n2\t53\t11351\n3\t51\t500\n3\t54\t400\n3\t55\t300\n"

# MovieLens-1M ratings.dat: ``::``-separated, headerless.
ML1M_DAT = (
    "1::1193::5::978300760\n"
    "1::661::3::978302109\n"
    "1::914::3::978301968\n"
    "2::1357::5::978298709\n"
    "2::3068::4::978299000\n"
    "2::1537::4::978299620\n"
)

GENRES = [
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
]


def _uitem_line(item_id: int, title: str, genres: set[str]) -> str:
    flags = "|".join("1" if g in genres else "0" for g in GENRES)
    return f"{item_id}|{title}|01-Jan-1995||http://us.imdb.com/M/title-exact?{item_id}|{flags}"


# MovieLens-100k u.item: ``id|title|date|video_date|url|19 genre flags``, latin-1, headerless.
UITEM_LINES = [
    _uitem_line(1, "Toy Story (1995)", {"Animation", "Children", "Comedy"}),
    _uitem_line(2, "GoldenEye (1995)", {"Action", "Adventure", "Thriller"}),
    _uitem_line(3, "Four Rooms (1995)", {"Thriller"}),
    _uitem_line(4, "Café Society (1995)", {"Comedy", "Drama"}),
    _uitem_line(5, "Copycat (1995)", {"Crime", "Drama", "Thriller"}),
]

# MovieLens-100k u.user: ``id|age|gender|occupation|zip``, headerless.
UUSER = (
    "1|24|M|technician|85711\n2|53|F|other|94043\n3|23|M|writer|32067\n4|24|M|technician|43537\n5|33|F|other|15213\n"
)

# MovieLens latest movies.csv: quoted titles containing the delimiter, multi-valued genres.
MOVIES_CSV = (
    "movieId,title,genres\n"
    '1,"American President, The (1995)",Comedy|Drama|Romance\n'
    "2,Jumanji (1995),Adventure|Children|Fantasy\n"
    '3,"City of Lost Children, The (1995)",Adventure|Drama|Fantasy|Mystery|Sci-Fi\n'
    "4,Heat (1995),Action|Crime|Thriller\n"
    "5,Nixon (1995),Drama\n"
)


class Uploaded:
    """Stands in for Streamlit's ``UploadedFile``: has ``.name`` and ``.getvalue()`` only."""

    def __init__(self, data: bytes, name: str):
        self.name = name
        self._data = data

    def getvalue(self) -> bytes:
        return self._data


@pytest.fixture
def ml100k_bytes() -> bytes:
    return "".join(f"{u}\t{i}\t{r}\t{t}\n" for u, i, r, t in ML100K_ROWS).encode()


@pytest.fixture
def ratings_csv() -> bytes:
    return RATINGS_CSV.encode()


@pytest.fixture
def lastfm_bytes() -> bytes:
    return LASTFM_TSV.encode()


@pytest.fixture
def ml1m_bytes() -> bytes:
    return ML1M_DAT.encode()


@pytest.fixture
def uitem_bytes() -> bytes:
    data = ("\n".join(UITEM_LINES) + "\n").encode("latin-1")
    assert b"Caf\xe9" in data  # really latin-1, not UTF-8
    return data


@pytest.fixture
def uuser_bytes() -> bytes:
    return UUSER.encode()


@pytest.fixture
def movies_csv() -> bytes:
    return MOVIES_CSV.encode()


@pytest.fixture
def upload():
    """``upload(data, name)`` -> an UploadedFile-like object."""
    return Uploaded


@pytest.fixture
def write(tmp_path):
    """``write(name, data)`` -> path of a file holding ``data`` (bytes) in a temporary folder."""

    def _write(name: str, data: bytes):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return _write


@pytest.fixture
def parquet_bytes():
    """``parquet_bytes(frame)`` -> the frame written as Parquet into memory."""

    def _to_bytes(frame) -> bytes:
        buf = io.BytesIO()
        frame.to_parquet(buf, index=False)
        return buf.getvalue()

    return _to_bytes
