"""The data fingerprint runs record: fixed formula, same value from bytes and from files on disk."""

from recsys.data.fingerprint import data_fingerprint, file_digest, fingerprint_files

DATA = b"user,item\nu1,i1\n"


def test_the_formula_is_fixed_so_earlier_runs_still_match():
    # Values computed once with the app's original data_key (SHA-256 of repr of (name, digest) pairs).
    assert file_digest(DATA) == "481f40959cb6e8b2e3ce"
    assert data_fingerprint([("r.csv", "481f40959cb6e8b2e3ce"), None, None]) == "5e8f6f0047372713"


def test_files_on_disk_give_the_fingerprint_of_their_bytes_and_base_names(tmp_path):
    (tmp_path / "r.csv").write_bytes(DATA)
    assert fingerprint_files(tmp_path / "r.csv") == "5e8f6f0047372713"
    (tmp_path / "items.csv").write_bytes(b"item_id,title\ni1,A\n")
    both = fingerprint_files(str(tmp_path / "r.csv"), items=tmp_path / "items.csv")
    assert both == data_fingerprint([("r.csv", file_digest(DATA)), ("items.csv", file_digest(b"item_id,title\ni1,A\n")),
                                     None])
    assert both != fingerprint_files(tmp_path / "r.csv", users=tmp_path / "items.csv")  # the role matters


def test_same_name_different_bytes_is_a_different_fingerprint(tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (tmp_path / "r.csv").write_bytes(DATA)
    (other / "r.csv").write_bytes(DATA.replace(b"i1", b"i2"))
    assert fingerprint_files(tmp_path / "r.csv") != fingerprint_files(other / "r.csv")
