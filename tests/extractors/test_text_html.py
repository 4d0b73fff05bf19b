"""HTML papers into text: ordinary pages, tables, and ModernGov minutes escaped inside XML."""

from __future__ import annotations

from extractors import analyse_pages
from extractors.text_html import html_to_text

MINUTES_XML = """<?xml version="1.0" encoding="utf-8"?>
<meeting>
  <meetingid>812</meetingid>
  <meetingdate>12/03/2026</meetingdate>
  <agendaitems>
    <agendaitem>
      <agendaitemid>4410</agendaitemid>
      <agendaitemtitle>High Needs Block monitoring</agendaitemtitle>
      <agendatext>&lt;p class="MsoNormal"&gt;To receive the quarter 3 report.&lt;/p&gt;</agendatext>
      <minutesnonemptyhtmlbody>&lt;div class="WordSection1"&gt;
&lt;p class="MsoNormal"&gt;The Head of Finance reported that the council
had been placed into &lt;b&gt;enhanced monitoring and support&lt;/b&gt; by the DfE.&lt;/p&gt;
&lt;p class="MsoNormal"&gt;The cumulative deficit is now &amp;pound;31.2m.&lt;/p&gt;
&lt;/div&gt;</minutesnonemptyhtmlbody>
      <isrestricted>False</isrestricted>
    </agendaitem>
  </agendaitems>
</meeting>
"""


def test_moderngov_minutes_escaped_inside_xml_become_plain_sentences() -> None:
    text = html_to_text(MINUTES_XML.encode("utf-8"))
    assert (
        "The Head of Finance reported that the council had been placed into enhanced monitoring and support by the DfE." in text
    )
    assert "£31.2m" in text
    assert "<p" not in text and "&lt;" not in text
    assert "4410" not in text and "False" not in text  # ids and flags are not prose


def test_an_escaped_fragment_on_its_own_is_unescaped() -> None:
    fragment = "&lt;p&gt;Members noted the &lt;strong&gt;safety valve&lt;/strong&gt; update.&lt;/p&gt;"
    assert html_to_text(fragment) == "Members noted the safety valve update."


def test_an_ordinary_page_drops_scripts_and_navigation_and_keeps_blocks_apart() -> None:
    page = (
        "<html><head><title>Agenda item</title><script>var tracking = 1;</script></head><body>"
        "<nav>Home | Committees | Calendar</nav><h2>DSG update</h2>"
        "<p>The council&rsquo;s DSG deficit\nis forecast at £14.1m.</p><p>Members noted the report.</p></body></html>"
    )
    text = html_to_text(page)
    assert "tracking" not in text and "Calendar" not in text
    assert "The council’s DSG deficit is forecast at £14.1m." in text
    assert "\n\nMembers noted the report." in text


def test_table_rows_stay_rows_and_numbers_keep_the_heading_unit() -> None:
    page = (
        "<table><tr><th>DSG position</th><th>£m</th></tr>"
        "<tr><td>Cumulative deficit</td><td>18.3</td></tr><tr><td>In-year deficit</td><td>4.4</td></tr></table>"
    )
    text = html_to_text(page)
    assert "Cumulative deficit | 18.3" in text
    figures = analyse_pages([text], ["Westshire County Council"]).figures
    assert sorted(round(f.amount_gbp) for f in figures) == [4_400_000, 18_300_000]


def test_windows_1252_bytes_are_decoded() -> None:
    body = "<p>The council\x92s high needs overspend is \xa32.1m.</p>".encode("latin-1")
    assert "£2.1m" in html_to_text(body)


def test_minutes_read_end_to_end_give_the_status() -> None:
    analysis = analyse_pages([html_to_text(MINUTES_XML)], ["Westshire County Council"])
    assert analysis.verdict == "ems"


def test_a_page_nested_thousands_of_tags_deep_is_read_not_lost():
    deep = (
        "<html><body>"
        + "<div><span>" * 1500
        + "<p>The Forum noted the DSG deficit.</p>"
        + "</span></div>" * 1500
        + "</body></html>"
    )
    assert html_to_text(deep) == "The Forum noted the DSG deficit."


def test_a_deep_page_read_in_the_bounded_reader_is_ok(tmp_path):
    from extractors.isolation import extract_text_isolated

    path = tmp_path / "minutes.html"
    path.write_text("<html><body>" + "<div>" * 3000 + "<p>Minutes of the Schools Forum.</p>" + "</div>" * 3000 + "</body></html>")
    result = extract_text_isolated(path, "html")
    assert (result.state, result.pages) == ("ok", ["Minutes of the Schools Forum."])
