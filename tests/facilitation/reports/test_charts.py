"""What the report asks more of facilitation/charts.py (its API unchanged)."""

from facilitation.charts import bar_chart, line_chart


def test_a_missing_value_breaks_the_line_and_reads_as_told_in_the_table():
    chart = line_chart("Joined", ["a", "b", "c", "d"], {"x": [6, None, 7, 9]}, missing="few")
    series = chart["series"][0]
    assert len(series.segments) == 1  # 6 stands alone (a dot); 7 to 9 is a line
    assert len(series.dots) == 3
    assert chart["missing"] == "few"
    assert chart["table_rows"][1] == ("b", [None])


def test_an_empty_chart_has_whole_number_ticks():
    chart = line_chart("Nothing yet", ["a", "b"], {"x": [0, 0]})
    assert [label for _y, label in chart["y_ticks"]] == ["0", "1", "2", "3", "4"]


def test_a_suppressed_bar_says_so():
    chart = bar_chart("Types", [("Patients", None), ("Clinicians", 12)], missing="fewer than 5")
    assert chart["bars"][0]["shown"] == "fewer than 5"
    assert chart["bars"][0]["width"] == 0
