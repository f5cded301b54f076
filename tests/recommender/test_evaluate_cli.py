"""The evaluate CLI end to end on a small sample of ml-latest-small."""

import json

from recommender import evaluate


def test_warm_cli_json(movielens_path, capsys):
    code = evaluate.main(
        [
            "--movielens",
            str(movielens_path),
            "--scenario",
            "warm",
            "--json",
            "--users",
            "80",
            "--quick",
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["dataset"] == "ml-latest-small" and out["scenario"] == "warm"
    assert out["ours"] == "Marquee-Hybrid"
    rows = {r["model"]: r for r in out["results"]}
    assert {"Marquee-Hybrid", "Popularity", "ItemKNN-cosine"} <= set(rows)
    for r in rows.values():
        for key in (
            "ndcg@10",
            "recall@10",
            "recall@20",
            "hit@10",
            "coverage@10",
            "popularity_percentile",
            "fit_seconds",
            "recommend_ms_median",
            "params",
        ):
            assert key in r
        assert 0 <= r["ndcg@10"] <= 1 and 0 < r["n_users"] <= 80
    # The personalised model beats the popularity list even on a small sample.
    assert rows["Marquee-Hybrid"]["ndcg@10"] > rows["Popularity"]["ndcg@10"]
    assert rows["Popularity"]["popularity_percentile"] > 99


def test_cold_cli_table(movielens_path, capsys):
    code = evaluate.main(
        ["--movielens", str(movielens_path), "--scenario", "cold", "--users", "40", "--quick"]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "Marquee-Hybrid" in text and "ndcg@10" in text and "threads" in text


def test_bad_path_is_reported(tmp_path, capsys):
    assert evaluate.main(["--movielens", str(tmp_path), "--scenario", "warm"]) == 2
    assert "ml-latest-small" in capsys.readouterr().err
