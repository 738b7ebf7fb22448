"""tools/search/static_index.py: the word lists' Bloom filter kept between processes (BLOOM_PATH,
#10): the same filter as one made afresh, made again when what it depends on changed."""

from __future__ import annotations

import numpy as np

from tools.search import static_index


def fresh(monkeypatch, path):
    monkeypatch.setattr(static_index, "BLOOM_PATH", path)
    static_index._dictionary_bloom.cache_clear()
    made = []
    real = static_index._make_dictionary_bloom

    def make():
        made.append(1)
        return real()
    monkeypatch.setattr(static_index, "_make_dictionary_bloom", make)
    return made


def test_the_kept_filter_is_the_one_made_afresh_and_is_read_not_made(tmp_path, monkeypatch):
    path = tmp_path / "share" / "bloom.npz"
    made = fresh(monkeypatch, path)
    blocks, bits = static_index._dictionary_bloom()
    assert made == [1] and path.is_file() and blocks > 0 and bits.any()
    static_index._dictionary_bloom.cache_clear()
    again = static_index._dictionary_bloom()
    assert made == [1]  # read from the file
    assert again[0] == blocks and np.array_equal(again[1], bits)
    # A real word is in it, as the export's filter says (real_word_filter's blocks).
    block, positions = static_index.bloom_bits("migration", blocks)
    assert all(again[1][block, pos >> 3] & (1 << (pos & 7)) for pos in positions)
    static_index._dictionary_bloom.cache_clear()


def test_a_filter_kept_for_other_lists_or_code_or_broken_is_made_again(tmp_path, monkeypatch):
    path = tmp_path / "bloom.npz"
    made = fresh(monkeypatch, path)
    first = static_index._dictionary_bloom()
    with np.load(path) as kept:
        np.savez(path.with_suffix(".tmp.npz"), key=np.array("another key"), bits=kept["bits"])
    path.with_suffix(".tmp.npz").replace(path)
    static_index._dictionary_bloom.cache_clear()
    second = static_index._dictionary_bloom()
    assert made == [1, 1] and np.array_equal(first[1], second[1])
    path.write_bytes(b"not a zip")
    static_index._dictionary_bloom.cache_clear()
    assert np.array_equal(static_index._dictionary_bloom()[1], first[1]) and made == [1, 1, 1]
    static_index._dictionary_bloom.cache_clear()


def test_a_folder_that_cannot_be_written_still_gives_the_filter(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    made = fresh(monkeypatch, blocker / "sub" / "bloom.npz")  # a folder under a file: never made
    blocks, bits = static_index._dictionary_bloom()
    assert made == [1] and blocks > 0 and bits.any()
    static_index._dictionary_bloom.cache_clear()
