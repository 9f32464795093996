"""The membership chart: what it draws agrees with the query answers; files; the `chart` command."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from hypothesis import given, settings
from matplotlib.colors import to_hex
from matplotlib.dates import date2num, num2date
from typer.testing import CliRunner

from tests.strategies import event_logs
from timeline_engine.cli.app import app
from timeline_engine.engine import Timeline
from timeline_engine.engine.chart import ChartError, check_chart_path, membership_chart
from timeline_engine.engine.chart_draw import STANDING_COLOURS
from timeline_engine.events.errors import UnknownSubject

runner = CliRunner()


def labelled_parties(ax) -> list[str]:
    return [t.get_text().split()[0] for t in ax.get_yticklabels()]


def bars(ax):
    """(row, first day, last day, colour, hatched) for every bar piece drawn on a panel."""
    out = []
    for p in ax.patches:
        x, w = p.get_x(), p.get_width()
        first = num2date(x).date()
        last = num2date(x + w).date()
        last = date.fromordinal(last.toordinal() - 1) if num2date(x + w).hour == 0 else last
        row = math.floor(p.get_y() + 0.36 + 1e-9)
        colour = to_hex(p.get_facecolor(), keep_alpha=False)
        out.append((row, first, last, colour, bool(p.get_hatch())))
    return out


def mid_day(first: date, last: date) -> str:
    return date.fromordinal((first.toordinal() + last.toordinal()) // 2).isoformat()


# -- what is drawn ---------------------------------------------------------------------------------


def test_every_party_with_a_standing_in_the_subject_or_its_predecessor_has_a_labelled_row(catalog):
    fig = membership_chart(catalog, ["CSTO"])
    founded = catalog.subject("CSTO").founded.when.lo
    before = date.fromordinal(founded.toordinal() - 1)
    expected = set(catalog.members("CST", on=f"1992/{before}", standing="all").parties)
    expected |= set(catalog.members("CSTO", on=f"{founded}/{date.today()}", standing="all").parties)
    (ax,) = fig.axes
    assert sorted(labelled_parties(ax)) == sorted(expected)
    assert {"UZB  Uzbekistan", "AZE  Azerbaijan", "RUS  Russia"} <= {t.get_text() for t in ax.get_yticklabels()}


def test_solid_bars_are_certain_answers_and_hatched_bars_uncertain_ones_in_the_standings_colour(catalog):
    fig = membership_chart(catalog, ["CSTO", "SCO"])
    checked = {True: 0, False: 0}
    for ax, subject in zip(fig.axes, ["CSTO", "SCO"]):
        rows = labelled_parties(ax)
        for row, first, last, colour, hatched in bars(ax):
            party = rows[row]
            day = mid_day(first, last)
            answer = [r for r in catalog.state(subject, on=day).members if r.party == party]
            assert answer, (subject, party, day)
            if hatched:
                assert all(r.certainty == "uncertain" for r in answer), (subject, party, day, answer)
            else:
                assert [r.standing for r in answer] == [r.standing for r in answer if r.certainty == "certain"]
                assert colour == STANDING_COLOURS[answer[0].standing], (subject, party, day)
            checked[hatched] += 1
    assert checked[True] >= 10 and checked[False] >= 30


def test_a_suspension_dated_by_its_year_splits_the_bar_into_member_and_suspended_stripes(catalog):
    (ax,) = membership_chart(catalog, ["CSTO"], start="2011", end="2014").axes
    row = labelled_parties(ax).index("UZB")
    in_2012 = [
        (first, last, hatched)
        for r, first, last, _, hatched in bars(ax)
        if r == row and first.year == 2012 and last.year == 2012
    ]
    assert len(in_2012) == 2 and all(hatched for *_, hatched in in_2012)


def test_a_period_without_uncertain_transitions_has_no_hatching(catalog):
    # (2018-2021: Saudi Arabia's dialogue partnership of September 2022, dated by the month, is after it.)
    (ax,) = membership_chart(catalog, ["SCO"], start="2018", end="2021").axes
    assert bars(ax) and not [b for b in bars(ax) if b[-1]]
    assert not [h for h in ax.get_legend_handles_labels()[1] if h.startswith("uncertain")]


def test_several_subjects_are_stacked_panels_on_one_time_axis(catalog):
    fig = membership_chart(catalog, ["csto", "Shanghai Cooperation Organisation", "CSTO"])
    assert [ax.get_title(loc="left").splitlines()[-1].split(" — ")[0] for ax in fig.axes] == ["CSTO", "SCO"]
    assert fig.axes[0].get_xlim() == fig.axes[1].get_xlim()


def test_from_and_to_bound_the_time_axis_to_whole_days(catalog):
    (ax,) = membership_chart(catalog, ["SCO"], start="2005", end="2010-06").axes
    assert ax.get_xlim() == (date2num(date(2005, 1, 1)), date2num(date(2010, 7, 1)))


@pytest.mark.parametrize("on, kind", [("2013-06-01", "line"), ("2013", "band")])
def test_the_date_of_the_question_is_marked_on_every_panel(catalog, on, kind):
    fig = membership_chart(catalog, ["CSTO", "SCO"], on=on)
    for ax in fig.axes:
        if kind == "line":
            xs = [line.get_xdata()[0] for line in ax.get_lines() if line.get_linewidth() == 1.5]
            assert xs == [date2num(date(2013, 6, 1))]
        else:
            spans = [p for p in ax.patches if p.get_hatch() is None and p.get_zorder() >= 4]
            extents = {(round(p.get_x(), 6), round(p.get_x() + p.get_width(), 6)) for p in spans}
            assert extents == {(date2num(date(2013, 1, 1)), date2num(date(2014, 1, 1)))}


def test_every_standing_has_a_colour_of_its_own():
    from timeline_engine.events.vocabulary import ORGANIZATION_STANDINGS, TREATY_STANDINGS

    assert set(ORGANIZATION_STANDINGS) | set(TREATY_STANDINGS) <= set(STANDING_COLOURS)
    assert len(set(STANDING_COLOURS.values())) == len(STANDING_COLOURS)


def test_the_legend_names_each_standing_drawn_and_the_uncertain_windows(catalog):
    fig = membership_chart(catalog, ["CSTO"])
    (legend,) = fig.legends
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels[:4] == ["member", "party", "signatory", "suspended"]
    assert labels[4].startswith("uncertain")


def test_open_periods_are_charted_to_the_ends_of_the_calendar_and_a_date_off_the_chart_is_not_marked(catalog):
    fig = membership_chart(catalog, ["SCO"], start="2010/..", end="../2012", on="1990")
    (ax,) = fig.axes
    assert ax.get_xlim() == (date2num(date(2010, 1, 1)), date2num(date(2013, 1, 1)))
    assert not ax.get_lines() and not [t for t in fig.legends[0].get_texts() if "question" in t.get_text()]
    (ax,) = membership_chart(catalog, ["SCO"], start="2020", end="2020/..", on="2023/..").axes
    assert ax.get_xlim()[1] == date2num(date(9999, 12, 31))


def test_the_record_as_known_is_named_in_the_title(catalog):
    fig = membership_chart(catalog.as_of_knowledge("2025-01-01"), ["SCO"])
    assert "as known on 2025-01-01" in fig.axes[0].get_title(loc="left").replace("\n", " ")


@settings(max_examples=15)
@given(event_logs())
def test_a_chart_of_any_valid_log_labels_every_party_with_a_spell(events):
    tl = Timeline(events)
    fig = membership_chart(tl, ["ORGA", "TREA"], end="2035")
    for ax, sid in zip(fig.axes, ["ORGA", "TREA"]):
        assert sorted(labelled_parties(ax)) == sorted(p for p, t in tl.party_tracks(sid).items() if t.spells)


# -- files -----------------------------------------------------------------------------------------


def test_a_png_chart_is_a_real_image_with_the_member_colour_in_it(catalog, tmp_path):
    from matplotlib.image import imread

    out = tmp_path / "csto.png"
    membership_chart(catalog, ["CSTO"], out=out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 20_000
    pixels = imread(out)
    height, width = pixels.shape[:2]
    assert width >= 1500 and height >= 600
    member = tuple(int(STANDING_COLOURS["member"][i : i + 2], 16) for i in (1, 3, 5))
    rgb = (pixels[..., :3] * 255).round().astype(int)
    assert ((rgb == member).all(axis=-1)).sum() > 10_000


def test_an_svg_chart_keeps_its_labels_as_text_and_its_hatches(catalog, tmp_path):
    out = tmp_path / "sco.svg"
    membership_chart(catalog, ["SCO", "CSTO"], out=out)
    root = ET.parse(out).getroot()
    texts = {"".join(t.itertext()).strip() for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"India", "Uzbekistan", "Belarus"} <= {t.split(maxsplit=1)[-1].strip() for t in texts}
    assert list(root.iter("{http://www.w3.org/2000/svg}pattern"))
    assert out.stat().st_size > 20_000


@pytest.mark.parametrize("name, found", [("chart.gif", "'.gif'"), ("chart", "no suffix"), ("chart.png.txt", "'.txt'")])
def test_a_file_name_without_png_svg_or_pdf_is_refused_before_drawing(catalog, tmp_path, name, found):
    with pytest.raises(ChartError) as e:
        membership_chart(catalog, ["CSTO"], out=tmp_path / name)
    assert f"expected a file name ending in .png, .svg or .pdf, found {found}" in str(e.value)
    assert not list(tmp_path.iterdir())


def test_upper_case_suffixes_are_accepted(tmp_path):
    assert check_chart_path(tmp_path / "x.SVG") == tmp_path / "x.SVG"


def test_a_folder_that_does_not_exist_is_refused(catalog, tmp_path):
    with pytest.raises(ChartError, match="does not exist — create it first"):
        membership_chart(catalog, ["CSTO"], out=tmp_path / "missing" / "x.png")


def test_an_end_before_the_start_is_refused(catalog):
    with pytest.raises(ChartError, match=r"would end \(2005-12-31\) before it starts \(2010-01-01\)"):
        membership_chart(catalog, ["CSTO"], start="2010", end="2005")


def test_no_subject_is_refused(catalog):
    with pytest.raises(ChartError, match="no subject to chart"):
        membership_chart(catalog, [])


def test_an_unknown_subject_suggests_the_closest(catalog):
    with pytest.raises(UnknownSubject, match="did you mean CSTO"):
        membership_chart(catalog, ["CSTOO"])


# -- the command -----------------------------------------------------------------------------------


def test_chart_command_writes_a_png(tmp_path):
    out = tmp_path / "x.png"
    result = runner.invoke(app, ["chart", "CSTO", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out}\n"
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_chart_command_takes_several_subjects_a_period_and_a_date_to_mark(tmp_path):
    out = tmp_path / "both.svg"
    result = runner.invoke(
        app, ["chart", "CSTO", "SCO", "--from", "2000", "--to", "2020", "--on", "2013", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_chart_command_reads_event_files_and_the_record_as_known(write_events, tmp_path):
    src = [{"title": "Test", "ref": "test:chart"}]
    path = write_events(
        [
            {
                "id": "x-founded",
                "date": "2001-06-15",
                "subject": "XORG",
                "kind": "founded",
                "name": "X Organization",
                "subject_kind": "organization",
                "sources": src,
            },
            {"id": "x-kaz", "date": "2001-06-15", "subject": "XORG", "kind": "joined", "party": "KAZ", "sources": src},
            {
                "id": "x-uzb",
                "date": "2004",
                "subject": "XORG",
                "kind": "joined",
                "party": "UZB",
                "sources": src,
                "recorded": "2024-05-01T00:00:00Z",
            },
        ]
    )
    out = tmp_path / "x.png"
    result = runner.invoke(app, ["chart", "xorg", "--events", str(path), "--as-known", "2024-01-01", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 10_000


def test_chart_command_refuses_a_bad_suffix_with_one_line(tmp_path):
    out = tmp_path / "x.jpg"
    result = runner.invoke(app, ["chart", "CSTO", "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: cannot write a chart to '{out}': expected a file name ending in .png, .svg or .pdf, "
        "found '.jpg' — use e.g. --out chart.png\n"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    "args, start",
    [
        (["chart", "CSTOO", "--out", "{tmp}/x.png"], "error: unknown subject 'CSTOO' — did you mean CSTO"),
        (["chart", "CSTO", "--from", "2010", "--to", "2005", "--out", "{tmp}/x.png"], "error: the chart would end"),
        (["chart", "CSTO", "--on", "2013-13", "--out", "{tmp}/x.png"], "error: bad date '2013-13'"),
        (["chart", "CSTO", "--out", "{tmp}/nowhere/x.png"], "error: cannot write a chart to"),
    ],
)
def test_chart_command_errors_are_one_line_and_exit_1(tmp_path, args, start):
    result = runner.invoke(app, [a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code == 1
    assert result.stderr.startswith(start) and result.stderr.count("\n") == 1


def test_chart_command_help_has_an_example():
    result = runner.invoke(app, ["chart", "--help"])
    assert result.exit_code == 0
    assert "Example: timeline chart" in result.stdout


# -- for a paper -----------------------------------------------------------------------------------


def paper_log(log):
    """Two parties in one organization, each joining on a source of its own; the last event in 2010."""
    log.organization("XORG", "2001-06-15", sources=[{"title": "Founding charter of XORG", "ref": "test:charter"}])
    log.party("joined", "XORG", "KAZ", "2001-06-15", sources=[{"title": "Accession of Kazakhstan", "ref": "test:kaz"}])
    log.party("joined", "XORG", "UZB", "2004", sources=[{"title": "Accession of Uzbekistan", "ref": "test:uzb"}])
    log.party(
        "granted", "XORG", "IND", "2005-07", status="observer", sources=[{"title": "Observers", "ref": "test:ind"}]
    )
    log.party(
        "withdrew", "XORG", "UZB", "2010-05-01", sources=[{"title": "Uzbek note of withdrawal", "ref": "test:uzb-out"}]
    )
    return log.timeline()


def caption(fig) -> str:
    return " ".join(fig.get_supxlabel().split())


def test_the_axis_ends_with_the_year_of_the_last_event_not_today(log):
    (ax,) = membership_chart(paper_log(log), ["XORG"]).axes
    assert ax.get_xlim() == (date2num(date(2001, 1, 1)), date2num(date(2011, 1, 1)))


def test_the_axis_reaches_a_later_question_date_and_a_later_to(log):
    tl = paper_log(log)
    (ax,) = membership_chart(tl, ["XORG"], on="2015-06").axes
    assert ax.get_xlim()[1] == date2num(date(2016, 1, 1))
    (ax,) = membership_chart(tl, ["XORG"], end="2012-03").axes
    assert ax.get_xlim()[1] == date2num(date(2012, 4, 1))


def test_one_title_names_the_period_once_and_no_date_of_today(log):
    fig = membership_chart(paper_log(log), ["XORG"])
    titles = [t for t in [fig.get_suptitle()] + [ax.get_title(loc="left") for ax in fig.axes] if t]
    assert len(titles) == 1
    assert titles[0].replace("\n", " ").endswith("2001-01-01 to 2010-12-31")
    assert str(date.today()) not in titles[0]


def test_parties_chosen_by_code_or_name_are_the_only_rows(log):
    (ax,) = membership_chart(paper_log(log), ["XORG"], parties=["Uzbekistan", "ind"]).axes
    assert labelled_parties(ax) == ["UZB", "IND"]


def test_a_standing_filter_draws_only_that_standing(log):
    fig = membership_chart(paper_log(log), ["XORG"], standing="observer")
    (ax,) = fig.axes
    assert labelled_parties(ax) == ["IND"]
    assert {colour for *_, colour, hatched in bars(ax) if not hatched} == {STANDING_COLOURS["observer"]}


def test_the_caption_names_the_sources_behind_the_bars_drawn(log):
    tl = paper_log(log)
    assert caption(membership_chart(tl, ["XORG"])) == (
        "Sources: Accession of Kazakhstan; Accession of Uzbekistan; Observers; Uzbek note of withdrawal."
    )
    assert caption(membership_chart(tl, ["XORG"], parties=["KAZ"])) == "Sources: Accession of Kazakhstan."
    # Uzbekistan's withdrawal is after the chart's end: not behind anything drawn.
    assert caption(membership_chart(tl, ["XORG"], parties=["UZB"], end="2008")) == "Sources: Accession of Uzbekistan."


def test_a_long_list_of_sources_is_cut_short_in_the_caption():
    from timeline_engine.engine.chart_data import sources_caption
    from timeline_engine.events.model import Source

    many = [Source(title=f"Source {k} " + "with a long title " * 6, ref=f"r{k}") for k in range(12)]
    text = sources_caption(many)
    assert text.count("…") == 8 and text.endswith("; and 4 more (timeline explain lists them).")


def test_a_title_shared_by_several_records_says_how_many():
    from timeline_engine.engine.chart_data import sources_caption
    from timeline_engine.events.model import Source

    wd = [Source(title="Wikidata statement", ref=f"wikidata:Q{k}$x") for k in range(3)]
    other = Source(title="A treaty", ref="t")
    assert sources_caption([other, other, *wd, wd[0]]) == "Sources: Wikidata statement ×3; A treaty."


def test_width_height_and_dpi_set_the_size_of_the_image(log, tmp_path):
    from matplotlib.image import imread

    out = tmp_path / "small.png"
    fig = membership_chart(paper_log(log), ["XORG"], out=out, width=6.5, height=3, dpi=100)
    assert tuple(fig.get_size_inches()) == (6.5, 3.0)
    assert imread(out).shape[:2] == (300, 650)


def test_a_pdf_chart_is_a_pdf_with_its_text_kept(log, tmp_path):
    out = tmp_path / "x.pdf"
    membership_chart(paper_log(log), ["XORG"], out=out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and b"/Title (Standings in XORG)" in data
    assert b"/FontFile2" in data  # TrueType fonts embedded: the text stays text


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"width": 0}, "--width 0 is out of range: expected a positive number (inches, at most 200)"),
        ({"dpi": 5000}, "--dpi 5000 is out of range: expected a positive number (at most 2000 dots per inch)"),
        ({"standing": "member,bogus"}, "unknown standing 'bogus' (expected all, member, party, signatory"),
    ],
)
def test_bad_sizes_and_standings_are_refused(log, kw, message):
    with pytest.raises(ChartError) as e:
        membership_chart(paper_log(log), ["XORG"], **kw)
    assert str(e.value).startswith(message)


def test_chart_command_for_a_paper(write_events, log, tmp_path):
    paper_log(log)
    path = write_events(log.records)
    out = tmp_path / "paper.pdf"
    result = runner.invoke(
        app,
        ["chart", "XORG", "--events", str(path), "--parties", "KAZ,Uzbekistan", "--standing", "member"]
        + ["--width", "6", "--height", "3", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out}\n" and out.read_bytes()[:5] == b"%PDF-"
