"""SQLAlchemy models of every table the project owns.

The migrations under `sql/migrations/` create these tables; a test compares
the two so they never drift. The data dictionary is generated from here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

# Imported for its side effect: the platform's tables join Base.metadata, so the migrations check, the
# data dictionary and the asset specs see every table through one import of this module.
from lct_pipelines.db import platform_models  # noqa: F401
from lct_pipelines.db.base import Base

NCES_SCHEMA = "nces"
LCT_SCHEMA = "lct"


class LeaDirectory(Base):
    """One row per district (LEA) and school year, from the CCD 029 directory file."""

    __tablename__ = "lea_directory"
    __table_args__ = (
        CheckConstraint("char_length(leaid) = 7", name="leaid_7_chars"),
        {"schema": NCES_SCHEMA, "comment": "NCES CCD 029 directory: one row per LEA and school year"},
    )

    school_year: Mapped[str] = mapped_column(String(7), primary_key=True, comment="e.g. 2023-24")
    leaid: Mapped[str] = mapped_column(String(7), primary_key=True, comment="NCES LEA id, 7 chars, leading zeros kept")
    fipst: Mapped[str | None] = mapped_column(String(2), comment="state FIPS code")
    state: Mapped[str] = mapped_column(String(2), comment="postal code (ST); also DC, PR, VI, GU, AS, MP, BI")
    state_name: Mapped[str | None] = mapped_column(Text, comment="state name (STATENAME)")
    lea_name: Mapped[str] = mapped_column(Text, comment="district name (LEA_NAME)")
    st_leaid: Mapped[str | None] = mapped_column(Text, comment="the state's own id")
    lea_type: Mapped[int | None] = mapped_column(Integer, comment="NCES LEA type code (1 regular ... 9)")
    lea_type_text: Mapped[str | None] = mapped_column(Text, comment="NCES LEA type, e.g. Regular local school district")
    sy_status_text: Mapped[str | None] = mapped_column(Text, comment="Open, Closed, New, ...")
    charter_lea_text: Mapped[str | None] = mapped_column(Text, comment="whether the LEA is a charter agency")
    gslo: Mapped[str | None] = mapped_column(String(2), comment="lowest grade offered")
    gshi: Mapped[str | None] = mapped_column(String(2), comment="highest grade offered")
    city: Mapped[str | None] = mapped_column(Text, comment="city of the district's location address")
    zip: Mapped[str | None] = mapped_column(String(10), comment="ZIP code of the location address")
    website: Mapped[str | None] = mapped_column(Text, comment="district website as reported")
    operational_schools: Mapped[int | None] = mapped_column(Integer, comment="schools operating in the year")


class LeaEnrollment(Base):
    """Students per district, grade and band (detail rows of the CCD 052 membership file summed over race and sex)."""

    __tablename__ = "lea_enrollment"
    __table_args__ = (
        CheckConstraint("char_length(leaid) = 7", name="leaid_7_chars"),
        {"schema": NCES_SCHEMA, "comment": "NCES CCD 052 membership, detail rows summed per district and grade"},
    )

    school_year: Mapped[str] = mapped_column(String(7), primary_key=True, comment="e.g. 2023-24")
    leaid: Mapped[str] = mapped_column(String(7), primary_key=True, comment="NCES LEA id, 7 chars, leading zeros kept")
    prek: Mapped[float | None] = mapped_column(Float, comment="NULL: no reported count for this grade")
    kg: Mapped[float | None] = mapped_column(Float, comment="kindergarten students; NULL: not reported")
    g1: Mapped[float | None] = mapped_column(Float, comment="grade 1 students; NULL: not reported")
    g2: Mapped[float | None] = mapped_column(Float, comment="grade 2 students; NULL: not reported")
    g3: Mapped[float | None] = mapped_column(Float, comment="grade 3 students; NULL: not reported")
    g4: Mapped[float | None] = mapped_column(Float, comment="grade 4 students; NULL: not reported")
    g5: Mapped[float | None] = mapped_column(Float, comment="grade 5 students; NULL: not reported")
    g6: Mapped[float | None] = mapped_column(Float, comment="grade 6 students; NULL: not reported")
    g7: Mapped[float | None] = mapped_column(Float, comment="grade 7 students; NULL: not reported")
    g8: Mapped[float | None] = mapped_column(Float, comment="grade 8 students; NULL: not reported")
    g9: Mapped[float | None] = mapped_column(Float, comment="grade 9 students; NULL: not reported")
    g10: Mapped[float | None] = mapped_column(Float, comment="grade 10 students; NULL: not reported")
    g11: Mapped[float | None] = mapped_column(Float, comment="grade 11 students; NULL: not reported")
    g12: Mapped[float | None] = mapped_column(Float, comment="grade 12 students; NULL: not reported")
    g13: Mapped[float | None] = mapped_column(Float, comment="grade 13 students; NULL: not reported")
    ungraded: Mapped[float | None] = mapped_column(Float, comment="ungraded students; NULL: not reported")
    adult_ed: Mapped[float | None] = mapped_column(Float, comment="adult education students; NULL: not reported")
    enrollment_k12: Mapped[float] = mapped_column(Float, comment="kg + g1..g12")
    enrollment_elementary: Mapped[float] = mapped_column(Float, comment="kg + g1..g5")
    enrollment_middle: Mapped[float] = mapped_column(Float, comment="g6..g8")
    enrollment_high: Mapped[float] = mapped_column(Float, comment="g9..g12")
    enrollment_secondary: Mapped[float] = mapped_column(Float, comment="middle + high")
    total_reported: Mapped[float | None] = mapped_column(Float, comment="the file's own Education Unit Total row")


class LeaStaff(Base):
    """Staff FTE per district and detail category (Category Set A rows of the CCD 059 staff file)."""

    __tablename__ = "lea_staff"
    __table_args__ = (
        CheckConstraint("char_length(leaid) = 7", name="leaid_7_chars"),
        {"schema": NCES_SCHEMA, "comment": "NCES CCD 059 staff, detail categories only"},
    )

    school_year: Mapped[str] = mapped_column(String(7), primary_key=True, comment="e.g. 2023-24")
    leaid: Mapped[str] = mapped_column(String(7), primary_key=True, comment="NCES LEA id, 7 chars, leading zeros kept")
    category: Mapped[str] = mapped_column(Text, primary_key=True, comment="NCES STAFF detail category")
    tier: Mapped[str] = mapped_column(Text, comment="teacher, instructional support, student support, ...")
    fte: Mapped[float | None] = mapped_column(Float, comment="full-time equivalents; NULL when not reported")


class ImportReportRecord(Base):
    """One row per imported NCES file: what was read, used, and what was wrong with it."""

    __tablename__ = "import_reports"
    __table_args__ = ({"schema": NCES_SCHEMA},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True, comment="surrogate key")
    school_year: Mapped[str] = mapped_column(String(7), index=True, comment="school year of the file, e.g. 2023-24")
    kind: Mapped[str] = mapped_column(String(16), comment="directory, membership or staff")
    file: Mapped[str] = mapped_column(Text, comment="path of the imported file")
    sha256: Mapped[str] = mapped_column(String(64), comment="SHA-256 of the file's bytes")
    report: Mapped[dict] = mapped_column(
        JSONB, comment="the import report: rows read and used, blanks, duplicates, conflicts, repadded ids, ..."
    )
    imported_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), comment="when the file was imported"
    )


class StateRequirement(Base):
    """Statutory daily instructional minutes per state and level (NCES State Education Reforms table 1.1, 2020)."""

    __tablename__ = "state_requirements"
    __table_args__ = ({"schema": LCT_SCHEMA},)

    state: Mapped[str] = mapped_column(String(2), primary_key=True, comment="postal code")
    state_name: Mapped[str] = mapped_column(Text, comment="state name")
    elementary_minutes: Mapped[float] = mapped_column(
        Float, comment="statutory daily instructional minutes, elementary grades"
    )
    middle_minutes: Mapped[float] = mapped_column(Float, comment="statutory daily instructional minutes, middle grades")
    high_minutes: Mapped[float] = mapped_column(
        Float, comment="statutory daily instructional minutes, high school grades"
    )


class BellSchedule(Base):
    """Actual daily instructional minutes collected for one district, year and level."""

    __tablename__ = "bell_schedules"
    __table_args__ = (
        UniqueConstraint("leaid", "year", "grade_level"),
        CheckConstraint("grade_level IN ('elementary', 'middle', 'high')", name="grade_level_known"),
        CheckConstraint("confidence IN ('high', 'medium', 'low')", name="confidence_known"),
        CheckConstraint("instructional_minutes > 0 AND instructional_minutes <= 1440", name="minutes_positive"),
        CheckConstraint("char_length(leaid) = 7", name="leaid_7_chars"),
        {"schema": LCT_SCHEMA},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True, comment="surrogate key")
    leaid: Mapped[str] = mapped_column(String(7), index=True, comment="NCES LEA id of the district, 7 chars")
    district_name: Mapped[str | None] = mapped_column(Text, comment="district name as collected")
    state: Mapped[str | None] = mapped_column(String(2), comment="postal code of the district's state")
    year: Mapped[str] = mapped_column(String(7), comment="school year of the schedule, e.g. 2024-25")
    grade_level: Mapped[str] = mapped_column(String(10), comment="elementary, middle or high")
    instructional_minutes: Mapped[float] = mapped_column(
        Float, comment="actual daily instructional minutes at that level (0 < minutes <= 1440)"
    )
    start_time: Mapped[str | None] = mapped_column(Text, comment="school day start as collected, e.g. 8:00")
    end_time: Mapped[str | None] = mapped_column(Text, comment="school day end as collected, e.g. 15:10")
    lunch_duration: Mapped[str | None] = mapped_column(Text, comment="lunch as collected, e.g. 30 min")
    source: Mapped[str | None] = mapped_column(Text, comment="where the schedule was found (URL or document)")
    confidence: Mapped[str] = mapped_column(String(6), comment="high, medium or low")
    method: Mapped[str | None] = mapped_column(
        Text, comment="how the minutes were derived, e.g. bell schedule minus lunch"
    )
    notes: Mapped[str | None] = mapped_column(Text, comment="free text from the collector")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), comment="when the row was last saved"
    )


class BlockedDistrict(Base):
    """A district whose bell schedule cannot be collected (its site unreachable): later campaigns skip it."""

    __tablename__ = "blocked_districts"
    __table_args__ = (
        CheckConstraint("char_length(leaid) = 7", name="leaid_7_chars"),
        {"schema": LCT_SCHEMA, "comment": "Districts marked blocked in `lct enrich` (answer b)"},
    )

    leaid: Mapped[str] = mapped_column(String(7), primary_key=True, comment="NCES LEA id of the district, 7 chars")
    state: Mapped[str] = mapped_column(String(2), index=True, comment="postal code of the district's state")
    blocked_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), comment="when the collector marked it blocked"
    )
    reason: Mapped[str] = mapped_column(
        Text, server_default="site unreachable", comment="why no schedule can be collected"
    )


class LctCalculation(Base):
    """One LCT value per district, school year and staff scope (the export contract plus the run id)."""

    __tablename__ = "lct_calculations"
    __table_args__ = (
        CheckConstraint("char_length(district_id) = 7", name="district_id_7_chars"),
        CheckConstraint("enrollment_type IN ('k12', 'elementary', 'secondary')", name="enrollment_type_known"),
        {"schema": LCT_SCHEMA, "comment": "LCT per district, year and scope; see docs/methodology.md"},
    )

    year: Mapped[str] = mapped_column(String(7), primary_key=True, comment="school year, e.g. 2023-24")
    district_id: Mapped[str] = mapped_column(
        String(7), primary_key=True, comment="NCES LEA id, 7 chars, leading zeros kept"
    )
    staff_scope: Mapped[str] = mapped_column(
        String(32), primary_key=True, comment="which staff count: one of the seven scopes (teachers_only ... all)"
    )
    district_name: Mapped[str] = mapped_column(Text, comment="district name from the CCD directory")
    state: Mapped[str] = mapped_column(String(2), index=True, comment="postal code of the district's state")
    staff_count: Mapped[float] = mapped_column(Float, comment="staff FTE of the scope")
    enrollment: Mapped[int] = mapped_column(Integer, comment="students of the scope's enrollment type")
    enrollment_type: Mapped[str] = mapped_column(String(10), comment="students counted: k12, elementary or secondary")
    instructional_minutes: Mapped[float] = mapped_column(Float, comment="rounded to 2 decimals")
    instructional_minutes_source: Mapped[str] = mapped_column(
        String(20), comment="bell_schedule, state_requirement, default or mixed"
    )
    lct_value: Mapped[float] = mapped_column(Float, comment="minutes x staff / enrollment, rounded to 2 decimals")
    is_valid: Mapped[bool] = mapped_column(
        Boolean, comment="0 < LCT <= 360 and staff <= enrollment (decided at full precision)"
    )
    qa_flags: Mapped[str] = mapped_column(Text, comment="';'-separated flags, '' when none")
    run_id: Mapped[str] = mapped_column(String(16), comment="calculation_runs.run_id that wrote the row")
    lct_value_unrounded: Mapped[float | None] = mapped_column(
        Float, comment="lct_value at full precision, for the QA statistics (NULL: written before it was kept)"
    )


class NotCalculable(Base):
    """A (district, scope) pair of a school year without a calculation, with the reason (the QA report counts them)."""

    __tablename__ = "not_calculable"
    __table_args__ = (
        {"schema": LCT_SCHEMA, "comment": "(district, scope) pairs of a year without a calculation, with the reason"},
    )

    year: Mapped[str] = mapped_column(String(7), primary_key=True, comment="school year, e.g. 2023-24")
    district_id: Mapped[str] = mapped_column(
        String(7), primary_key=True, comment="NCES LEA id, 7 chars, leading zeros kept"
    )
    staff_scope: Mapped[str] = mapped_column(
        String(32), primary_key=True, comment="which staff count: one of the seven scopes (teachers_only ... all)"
    )
    reason: Mapped[str] = mapped_column(String(20), comment="the first that applies, see methodology")
    run_id: Mapped[str] = mapped_column(String(16), comment="calculation_runs.run_id that wrote the row")


class CalculationRun(Base):
    """The audit trail: one row per calculation run, full or incremental."""

    __tablename__ = "calculation_runs"
    __table_args__ = (
        CheckConstraint("run_type IN ('full', 'incremental')", name="run_type_known"),
        {"schema": LCT_SCHEMA},
    )

    run_id: Mapped[str] = mapped_column(String(16), primary_key=True, comment="UTC start, e.g. 20251228T014510Z")
    year: Mapped[str] = mapped_column(String(7), index=True, comment="school year calculated, e.g. 2023-24")
    run_type: Mapped[str] = mapped_column(String(12), comment="full or incremental")
    status: Mapped[str] = mapped_column(String(12), comment="running, success, failed, blocked")
    districts_processed: Mapped[int] = mapped_column(
        Integer, server_default="0", comment="districts computed by the run (incremental: only the changed ones)"
    )
    calculations_created: Mapped[int] = mapped_column(Integer, server_default="0", comment="rows the run wrote")
    input_hash: Mapped[str | None] = mapped_column(String(64), comment="SHA-256 over the inputs")
    output_files: Mapped[dict | None] = mapped_column(
        JSONB, comment="the exports written from the run: path, rows and bytes per dataset"
    )
    qa_summary: Mapped[dict | None] = mapped_column(
        JSONB, comment="the QA report of the year after the run (outlier rows capped at 200)"
    )
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), comment="when the run started (UTC)")
    completed_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), comment="when it finished; NULL while running"
    )
    duration_seconds: Mapped[float | None] = mapped_column(Float, comment="completed_at - started_at")
    dagster_run_id: Mapped[str | None] = mapped_column(
        String(64), comment="the Dagster run that ran it; NULL outside Dagster"
    )


class DistrictFingerprint(Base):
    """Per-district input fingerprint of the last calculation, for incremental runs."""

    __tablename__ = "district_fingerprints"
    __table_args__ = ({"schema": LCT_SCHEMA},)

    year: Mapped[str] = mapped_column(String(7), primary_key=True, comment="school year, e.g. 2023-24")
    leaid: Mapped[str] = mapped_column(String(7), primary_key=True, comment="NCES LEA id of the district, 7 chars")
    fingerprint: Mapped[str] = mapped_column(String(64), comment="SHA-256 over the district's inputs")
    run_id: Mapped[str] = mapped_column(String(16), comment="calculation_runs.run_id that stored the fingerprint")
