"""The command line gives the bot's answers without Discord: recommend and path, as text or JSON."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def in_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default CATALOG_PATH, data/, is relative to where the command runs."""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("CATALOG_PATH", raising=False)


def test_recommend_json_is_a_list_of_picks_with_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", "--topic", "linalg", "--background", "software-engineer", "--json"]) == 0
    picks = json.loads(capsys.readouterr().out)
    assert len(picks) == 3 and set(picks[0]) == {"id", "title", "score", "reasons"}
    assert "written for software engineers" in picks[0]["reasons"]


def test_recommend_text_names_each_pick_with_its_link_and_why(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", "--query", "free probability book"]) == 0
    understood, first, link, why, *_ = capsys.readouterr().out.splitlines()
    assert understood == "Understood: probability · book preferred · free only"  # what the text was read as
    assert first.startswith("1. ") and link.strip().startswith("https://")
    assert why.strip().startswith("why: covers probability")


def test_a_question_naming_nothing_fails_with_did_you_mean_even_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", "--query", "algebrra", "--json"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out) == [] and "did you mean 'linear algebra'" in captured.err


def test_a_misspelt_topic_is_understood_and_an_unknown_one_exits_with_the_topics(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["recommend", "--topic", "probabilitty theroy"]) == 0
    assert "covers probability" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="Unknown topic 'quantm'. Topics: linear algebra, probability"):
        main(["recommend", "--topic", "quantm"])


def test_path_json_keeps_the_groundwork_and_done_flags_in_study_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["path", "deep learning", "--json"]) == 0
    path = json.loads(capsys.readouterr().out)
    steps = {step["concept"]: step for step in path["steps"]}
    order = list(steps)
    assert path["target"] == "deep learning"
    assert order.index("matrices") < order.index("attention") < order.index("transformers")
    assert steps["matrices"]["groundwork"] is True and steps["attention"]["groundwork"] is False
    assert all(step["done"] is False for step in path["steps"])  # the command line has no shelves
    assert steps["attention"]["place"]["url"].startswith("https://")


def test_path_to_a_concept_by_its_abbreviation_names_where_to_study_each_step(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["path", "SVD"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Learning path: singular value decomposition"
    assert out[1].startswith(" 1. vectors (groundwork: linear algebra) — Essence of Linear Algebra, video 1")
    assert "singular value decomposition — " in out[-2] and "(groundwork" not in out[-2]
    assert out[-1].startswith("Next, it opens up: ") and "principal component analysis (also needs" in out[-1]


def test_path_to_something_unknown_exits_with_the_closest_names() -> None:
    with pytest.raises(
        SystemExit, match=r"No topic or concept is called 'singualr' \(did you mean 'singular value decomposition'"
    ):
        main(["path", "singualr"])


@pytest.mark.parametrize("limit", ["0", "-5"])
def test_a_limit_below_one_is_refused_by_the_parser_not_answered_with_no_match(
    limit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["recommend", "--topic", "linear algebra", "--limit", limit])
    err = capsys.readouterr().err
    assert exit.value.code == 2
    assert f"--limit: {limit} is not a number of picks: give 1 or more" in err
    assert "No resource matches" not in err


def test_vocabulary_options_take_the_words_a_person_writes_as_topics_do(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", "--topic", "linear algebra", "--background", "software engineer", "--json"]) == 0
    assert "written for software engineers" in json.loads(capsys.readouterr().out)[0]["reasons"]
    assert main(["recommend", "--topic", "calculus", "--kind", "Video Series", "--level", "BEGINNER", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["id"] == "essence-of-calculus"


def test_catalog_check_of_a_missing_path_names_the_path_without_a_line_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nonexistent"
    assert main(["catalog", "check", str(missing)]) == 1
    err = capsys.readouterr().err
    assert f"{missing}: no such file or folder" in err
    assert ":0:" not in err


# --- db backup ---------------------------------------------------------------------------------------


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """A small SQLite database with one row."""
    path = tmp_path / "live.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
        conn.execute("INSERT INTO notes VALUES ('kept')")
    conn.close()
    return path


def leftovers(folder: Path) -> list[str]:
    """Half-written backups left in a folder."""
    return sorted(p.name for p in folder.rglob("*.partial"))


def test_a_backup_into_a_folder_is_written_inside_it_under_the_databases_name(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()

    assert main(["db", "backup", f"{folder}/", "--database", str(database)]) == 0

    copy = folder / "live.db"
    assert f"Backed up {database} to {copy}." in capsys.readouterr().out
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT text FROM notes").fetchall() == [("kept",)]
    conn.close()
    assert leftovers(tmp_path) == []


def test_a_backup_into_a_folder_that_does_not_exist_is_refused_and_creates_nothing(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nonexistent" / "dir"

    assert main(["db", "backup", str(missing / "b.db"), "--database", str(database)]) == 1

    err = capsys.readouterr().err
    assert err == f"There is no folder {missing}: create it first, or back up somewhere that exists.\n"
    assert not (tmp_path / "nonexistent").exists()


def test_a_backup_of_a_file_that_is_not_sqlite_is_one_line_and_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("not a database\n" * 100)

    assert main(["db", "backup", str(tmp_path / "copy.db"), "--database", str(not_a_database)]) == 1

    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err and str(not_a_database) in err, err
    assert not (tmp_path / "copy.db").exists() and leftovers(tmp_path) == []


def test_a_backup_into_a_folder_named_with_a_slash_that_does_not_exist_is_refused(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "backup", f"{tmp_path / 'DIR'}/", "--database", str(database)]) == 1
    assert f"There is no folder {tmp_path / 'DIR'}" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["live.db"]


def test_recommend_and_path_import_no_part_of_the_store(tmp_path: Path) -> None:
    # They read only the catalog; importing the store (SQL, migrations, the rhythm it schedules) cost a cold
    # command line about 30 ms of its 0.5 s.
    program = (
        "import contextlib, io, sys\n"
        "from bot.__main__ import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['recommend', '--query', 'where do I learn the singular value decomposition?'])\n"
        "    main(['path', 'svd'])\n"
        "print(sorted(m for m in sys.modules if m == 'bot.store' or m.startswith('bot.store.')))\n"
    )
    env = {**os.environ, "CATALOG_PATH": str(ROOT / "data"), "DATABASE_PATH": str(tmp_path / "pillars.db")}

    ran = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60, env=env)

    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "[]"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc (Linux)")
def test_numpy_starts_no_threads_of_its_own_unless_the_operator_asks() -> None:
    # OpenBLAS starting a thread a core took a third of `import numpy` and the bot does no matrix product.
    program = (
        "import os, bot, numpy\n"
        "print(len(os.listdir('/proc/self/task')), os.environ.get('OPENBLAS_NUM_THREADS', 'unset'))\n"
    )
    env = {name: value for name, value in os.environ.items() if name != "OPENBLAS_NUM_THREADS"}

    default = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60, env=env)
    chosen = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "OPENBLAS_NUM_THREADS": "4"},
    )

    assert default.returncode == 0, default.stderr
    assert default.stdout.split() == ["1", "1"]
    assert chosen.stdout.split()[1] == "4"
