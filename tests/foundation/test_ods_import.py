"""Loading trusts, ICBs and practices from the shipped ODS files."""

import shutil
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import ODS_FOLDER
from tracker.organisations.models import ICB, Practice, Trust
from tracker.organisations.ods_import import OdsImportError, import_ods


def _count(session, statement):
    return session.scalar(select(func.count()).select_from(statement.subquery()))


def test_shipped_files_give_199_open_trusts_36_icbs_and_about_6200_practices(db_session):
    assert _count(db_session, select(Trust).where(Trust.open_clause(date(2026, 11, 23)))) == 199
    assert _count(db_session, select(ICB)) == 36
    practices = _count(db_session, select(Practice).where(Practice.is_active))
    assert 6100 <= practices <= 6300


def test_second_import_updates_and_never_duplicates(db_session):
    before = _count(db_session, select(Practice))
    summary = import_ods(ODS_FOLDER)
    assert summary.practices.created == 0 and summary.trusts.created == 0 and summary.icbs.created == 0
    assert summary.trusts.unchanged == 271
    assert _count(db_session, select(Practice)) == before


def test_practices_are_mapped_to_the_2026_icbs(db_session):
    # A Bedfordshire practice: old ICB QHG merged into Central East (S1Y5D).
    practice = db_session.scalar(select(Practice).where(Practice.sub_icb_code == "M1J4Y").limit(1))
    assert practice is not None and practice.icb_code == "S1Y5D"
    # Old Frimley practices cannot be placed from the files.
    frimley = db_session.scalars(select(Practice).where(Practice.sub_icb_code == "D4U1Y")).all()
    assert frimley and all(p.icb_code is None for p in frimley)


def test_trust_names_are_written_as_people_write_them(db_session):
    trust = db_session.scalar(select(Trust).where(Trust.ods_code == "RTH"))
    assert trust.name == "Oxford University Hospitals NHS Foundation Trust"
    assert trust.icb_code == "S0E4D" and trust.region_code == "Y59"


def test_changes_and_closures_are_counted(db_session, tmp_path):
    folder = tmp_path / "ods"
    shutil.copytree(ODS_FOLDER, folder)
    etr = (folder / "etr.csv").read_text()
    etr = etr.replace('"RTH","OXFORD UNIVERSITY HOSPITALS NHS FOUNDATION TRUST"', '"RTH","OXFORD UNIVERSITY HOSPITALS NHS FOUNDATION TRUST RENAMED"')
    lines = etr.splitlines()
    rj1 = next(i for i, line in enumerate(lines) if line.startswith('"RJ1"'))
    fields = lines[rj1].split('","')
    fields[11] = "20260101"
    lines[rj1] = '","'.join(fields)
    (folder / "etr.csv").write_text("\n".join(lines) + "\n")
    summary = import_ods(folder, today=date(2026, 11, 23))
    assert summary.trusts.updated == 1
    assert summary.trusts.closed == 1
    assert "1 closed" in summary.lines()[1]


def test_malformed_file_names_file_line_and_field_and_loads_nothing(db_session, tmp_path):
    folder = tmp_path / "ods"
    shutil.copytree(ODS_FOLDER, folder)
    lines = (folder / "etr.csv").read_text().splitlines()
    fields = lines[4].split('","')
    fields[10] = "2020-01-01"
    lines[4] = '","'.join(fields)
    (folder / "etr.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(OdsImportError) as error:
        import_ods(folder)
    message = str(error.value)
    assert "etr.csv, line 5, field 'Open date'" in message
    assert "YYYYMMDD" in message


def test_short_row_is_reported_with_its_line(db_session, tmp_path):
    folder = tmp_path / "ods"
    shutil.copytree(ODS_FOLDER, folder)
    with (folder / "epraccur.csv").open("a") as handle:
        handle.write('"Z99999","BROKEN ROW"\n')
    with pytest.raises(OdsImportError, match=r"epraccur.csv, line 16686: has 2 fields"):
        import_ods(folder)


def test_missing_folder_is_explained(db_session, tmp_path):
    with pytest.raises(OdsImportError, match="is not a folder"):
        import_ods(tmp_path / "nowhere")


def test_contract_type_initialisms_stay_in_capitals():
    from tracker.organisations.ods_import import title_case

    assert title_case("MANOR BROOK PMS") == "Manor Brook PMS"
    assert title_case("THE NEW SURGERY (APMS)") == "The New Surgery (APMS)"
