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
    state_name: Mapped[str | None] = mapped_column(Text)
    lea_name: Mapped[str] = mapped_column(Text)
    st_leaid: Mapped[str | None] = mapped_column(Text, comment="the state's own id")
    lea_type: Mapped[int | None] = mapped_column(Integer)
    lea_type_text: Mapped[str | None] = mapped_column(Text)
    sy_status_text: Mapped[str | None] = mapped_column(Text, comment="Open, Closed, New, ...")
    charter_lea_text: Mapped[str | None] = mapped_column(Text)
    gslo: Mapped[str | None] = mapped_column(String(2), comment="lowest grade offered")
    gshi: Mapped[str | None] = mapped_column(String(2), comment="highest grade offered")
    city: Mapped[str | None] = mapped_column(Text)
    zip: Mapped[str | None] = mapped_column(String(10))
    website: Mapped[str | None] = mapped_column(Text)
    operational_schools: Mapped[int | None] = mapped_column(Integer)


class LeaEnrollment(Base):
    """Students per district, grade and band (detail rows of the CCD 052 membership file summed over race and sex)."""

    __tablename__ = "lea_enrollment"
    __table_args__ = (
        CheckConstraint("char_length(leaid) = 7", name="leaid_7_chars"),
        {"schema": NCES_SCHEMA, "comment": "NCES CCD 052 membership, detail rows summed per district and grade"},
    )

    school_year: Mapped[str] = mapped_column(String(7), primary_key=True)
    leaid: Mapped[str] = mapped_column(String(7), primary_key=True)
    prek: Mapped[float | None] = mapped_column(Float, comment="NULL: no reported count for this grade")
    kg: Mapped[float | None] = mapped_column(Float)
    g1: Mapped[float | None] = mapped_column(Float)
    g2: Mapped[float | None] = mapped_column(Float)
    g3: Mapped[float | None] = mapped_column(Float)
    g4: Mapped[float | None] = mapped_column(Float)
    g5: Mapped[float | None] = mapped_column(Float)
    g6: Mapped[float | None] = mapped_column(Float)
    g7: Mapped[float | None] = mapped_column(Float)
    g8: Mapped[float | None] = mapped_column(Float)
    g9: Mapped[float | None] = mapped_column(Float)
    g10: Mapped[float | None] = mapped_column(Float)
    g11: Mapped[float | None] = mapped_column(Float)
    g12: Mapped[float | None] = mapped_column(Float)
    g13: Mapped[float | None] = mapped_column(Float)
    ungraded: Mapped[float | None] = mapped_column(Float)
    adult_ed: Mapped[float | None] = mapped_column(Float)
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

    school_year: Mapped[str] = mapped_column(String(7), primary_key=True)
    leaid: Mapped[str] = mapped_column(String(7), primary_key=True)
    category: Mapped[str] = mapped_column(Text, primary_key=True, comment="NCES STAFF detail category")
    tier: Mapped[str] = mapped_column(Text, comment="teacher, instructional support, student support, ...")
    fte: Mapped[float | None] = mapped_column(Float, comment="full-time equivalents; NULL when not reported")


class ImportReportRecord(Base):
    """One row per imported NCES file: what was read, used, and what was wrong with it."""

    __tablename__ = "import_reports"
    __table_args__ = ({"schema": NCES_SCHEMA},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    school_year: Mapped[str] = mapped_column(String(7), index=True)
    kind: Mapped[str] = mapped_column(String(16), comment="directory, membership or staff")
    file: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    report: Mapped[dict] = mapped_column(JSONB)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class StateRequirement(Base):
    """Statutory daily instructional minutes per state and level (NCES State Education Reforms table 1.1, 2020)."""

    __tablename__ = "state_requirements"
    __table_args__ = ({"schema": LCT_SCHEMA},)

    state: Mapped[str] = mapped_column(String(2), primary_key=True)
    state_name: Mapped[str] = mapped_column(Text)
    elementary_minutes: Mapped[float] = mapped_column(Float)
    middle_minutes: Mapped[float] = mapped_column(Float)
    high_minutes: Mapped[float] = mapped_column(Float)


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

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    leaid: Mapped[str] = mapped_column(String(7), index=True)
    district_name: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str | None] = mapped_column(String(2))
    year: Mapped[str] = mapped_column(String(7), comment="school year of the schedule, e.g. 2024-25")
    grade_level: Mapped[str] = mapped_column(String(10))
    instructional_minutes: Mapped[float] = mapped_column(Float)
    start_time: Mapped[str | None] = mapped_column(Text)
    end_time: Mapped[str | None] = mapped_column(Text)
    lunch_duration: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[str] = mapped_column(String(6))
    method: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class BlockedDistrict(Base):
    """A district whose bell schedule cannot be collected (its site unreachable): later campaigns skip it."""

    __tablename__ = "blocked_districts"
    __table_args__ = (
        CheckConstraint("char_length(leaid) = 7", name="leaid_7_chars"),
        {"schema": LCT_SCHEMA, "comment": "Districts marked blocked in `lct enrich` (answer b)"},
    )

    leaid: Mapped[str] = mapped_column(String(7), primary_key=True)
    state: Mapped[str] = mapped_column(String(2), index=True)
    blocked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    reason: Mapped[str] = mapped_column(Text, server_default="site unreachable")


class LctCalculation(Base):
    """One LCT value per district, school year and staff scope (the export contract plus the run id)."""

    __tablename__ = "lct_calculations"
    __table_args__ = (
        CheckConstraint("char_length(district_id) = 7", name="district_id_7_chars"),
        CheckConstraint("enrollment_type IN ('k12', 'elementary', 'secondary')", name="enrollment_type_known"),
        {"schema": LCT_SCHEMA, "comment": "LCT per district, year and scope; see docs/methodology.md"},
    )

    year: Mapped[str] = mapped_column(String(7), primary_key=True)
    district_id: Mapped[str] = mapped_column(String(7), primary_key=True)
    staff_scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    district_name: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(2), index=True)
    staff_count: Mapped[float] = mapped_column(Float, comment="staff FTE of the scope")
    enrollment: Mapped[int] = mapped_column(Integer, comment="students of the scope's enrollment type")
    enrollment_type: Mapped[str] = mapped_column(String(10))
    instructional_minutes: Mapped[float] = mapped_column(Float, comment="rounded to 2 decimals")
    instructional_minutes_source: Mapped[str] = mapped_column(
        String(20), comment="bell_schedule, state_requirement, default or mixed"
    )
    lct_value: Mapped[float] = mapped_column(Float, comment="minutes x staff / enrollment, rounded to 2 decimals")
    is_valid: Mapped[bool] = mapped_column(Boolean)
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

    year: Mapped[str] = mapped_column(String(7), primary_key=True)
    district_id: Mapped[str] = mapped_column(String(7), primary_key=True)
    staff_scope: Mapped[str] = mapped_column(String(32), primary_key=True)
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
    year: Mapped[str] = mapped_column(String(7), index=True)
    run_type: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12), comment="running, success, failed, blocked")
    districts_processed: Mapped[int] = mapped_column(Integer, server_default="0")
    calculations_created: Mapped[int] = mapped_column(Integer, server_default="0")
    input_hash: Mapped[str | None] = mapped_column(String(64), comment="SHA-256 over the inputs")
    output_files: Mapped[dict | None] = mapped_column(JSONB)
    qa_summary: Mapped[dict | None] = mapped_column(JSONB)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    dagster_run_id: Mapped[str | None] = mapped_column(String(64))


class DistrictFingerprint(Base):
    """Per-district input fingerprint of the last calculation, for incremental runs."""

    __tablename__ = "district_fingerprints"
    __table_args__ = ({"schema": LCT_SCHEMA},)

    year: Mapped[str] = mapped_column(String(7), primary_key=True)
    leaid: Mapped[str] = mapped_column(String(7), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), comment="SHA-256 over the district's inputs")
    run_id: Mapped[str] = mapped_column(String(16))
