from pathlib import Path
from streamlit.testing.v1 import AppTest

def test_demo(demo_published_db: Path, monkeypatch) -> None:
    monkeypatch.setenv("CHEFSKARTAN_PUBLISHED_DB", str(demo_published_db))
    at = AppTest.from_file("/work/main/dashboards/app.py", default_timeout=60).run()
    print("EXC", [e.value for e in at.exception])
    print("INFO", [e.value for e in at.info], "ERR", [e.value for e in at.error])
    print("SEL", [(s.label, s.value, s.options[:5]) for s in at.sidebar.selectbox])
    print("MET", [(m.label, m.value, m.delta) for m in at.metric])
    print("HTML", len(at.get("html")))
    import duckdb
    con = duckdb.connect(str(demo_published_db), read_only=True)
    print("TABLES", con.execute("select table_name from duckdb_tables()").fetchall())
    con.close()
