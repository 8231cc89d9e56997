/*
 * oracle/schema.c - the schema of the oracle database as an ordered list of
 * migrations.  Migration i takes PRAGMA user_version from i to i + 1;
 * oracle_open() applies the missing ones in one transaction.
 *
 * Invariant: a migration that has shipped is never edited.  A change of
 * the schema is a new entry at the end of the list (and a new section in
 * docs/oracle.md); ORACLE_SCHEMA_VERSION equals the length of the list.
 */
#include "oracle_private.h"

static const char migration_1[] =
    /* Key/value facts about the database itself. */
    "CREATE TABLE meta(\n"
    "  key TEXT PRIMARY KEY NOT NULL,\n"
    "  value TEXT NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "INSERT INTO meta(key, value) VALUES ('format', 'hiperfcheck oracle');\n"

    /* The verdict codes of oracle/check.h, for people reading the file
     * with sqlite3; 7 is the display verdict XFAIL. */
    "CREATE TABLE verdict_names(\n"
    "  code INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL UNIQUE\n"
    ");\n"
    "INSERT INTO verdict_names(code, name) VALUES (0, 'PASS'), (1, 'SKIP'), (2, 'WARN'), (3, 'FAIL'),\n"
    "  (4, 'ERROR'), (5, 'TIMEOUT'), (6, 'CRASH'), (7, 'XFAIL');\n"

    /* The requirement catalog (oracle/requirements.txt). */
    "CREATE TABLE requirements(\n"
    "  id TEXT PRIMARY KEY NOT NULL,\n"
    "  level INTEGER NOT NULL CHECK (level IN (1, 2, 3)),\n"
    "  source TEXT NOT NULL,\n"
    "  text TEXT NOT NULL,\n"
    "  retired INTEGER NOT NULL DEFAULT 0 CHECK (retired BETWEEN 0 AND 1)\n"
    ") WITHOUT ROWID;\n"

    /* One row per version of a scenario: a changed file is a new row, so a
     * stored run keeps the checks it was judged with. */
    "CREATE TABLE scenarios(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL,\n"
    "  file TEXT NOT NULL,\n"
    "  sha256 TEXT NOT NULL,\n"
    "  def_sha256 TEXT NOT NULL,\n"
    "  title TEXT NOT NULL DEFAULT '',\n"
    "  needs TEXT NOT NULL DEFAULT '',\n"
    "  UNIQUE (name, def_sha256)\n"
    ");\n"
    "CREATE TABLE scenario_requirements(\n"
    "  scenario_id INTEGER NOT NULL REFERENCES scenarios(id),\n"
    "  req_id TEXT NOT NULL REFERENCES requirements(id),\n"
    "  PRIMARY KEY (scenario_id, req_id)\n"
    ") WITHOUT ROWID;\n"

    /* The normative expectations of each scenario version. */
    "CREATE TABLE checks(\n"
    "  scenario_id INTEGER NOT NULL REFERENCES scenarios(id),\n"
    "  check_id TEXT NOT NULL,\n"
    "  line INTEGER NOT NULL,\n"
    "  col INTEGER NOT NULL,\n"
    "  kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 5),\n"
    "  expected TEXT NOT NULL,\n"
    "  description TEXT NOT NULL DEFAULT '',\n"
    "  PRIMARY KEY (scenario_id, check_id)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE check_requirements(\n"
    "  scenario_id INTEGER NOT NULL,\n"
    "  check_id TEXT NOT NULL,\n"
    "  req_id TEXT NOT NULL REFERENCES requirements(id),\n"
    "  PRIMARY KEY (scenario_id, check_id, req_id),\n"
    "  FOREIGN KEY (scenario_id, check_id) REFERENCES checks(scenario_id, check_id)\n"
    ") WITHOUT ROWID;\n"

    /* Runs: one per `hiperfcheck run`. */
    "CREATE TABLE runs(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  provider_path TEXT NOT NULL,\n"
    "  provider_sha256 TEXT NOT NULL,\n"
    "  provider_name TEXT NOT NULL,\n"
    "  provider_clsid TEXT NOT NULL,\n"
    "  mof_path TEXT NOT NULL DEFAULT '',\n"
    "  harness_version TEXT NOT NULL,\n"
    "  oracle_version INTEGER NOT NULL,\n"
    "  options TEXT NOT NULL DEFAULT '',\n"
    "  hostname TEXT NOT NULL DEFAULT '',\n"
    "  started_ms INTEGER NOT NULL,\n"
    "  ended_ms INTEGER,\n"
    "  complete INTEGER NOT NULL DEFAULT 0 CHECK (complete BETWEEN 0 AND 1),\n"
    "  reference INTEGER NOT NULL DEFAULT 0 CHECK (reference BETWEEN 0 AND 1),\n"
    "  baseline TEXT NOT NULL DEFAULT 'none' CHECK (baseline IN ('none', 'reference', 'blessed'))\n"
    ");\n"

    /* Baselines: one set per provider identity (name and CLSID). */
    "CREATE TABLE baseline_sets(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  provider_name TEXT NOT NULL COLLATE NOCASE,\n"
    "  provider_clsid TEXT NOT NULL,\n"
    "  origin TEXT NOT NULL CHECK (origin IN ('reference', 'blessed')),\n"
    "  run_id INTEGER REFERENCES runs(id),\n"
    "  created_ms INTEGER NOT NULL,\n"
    "  UNIQUE (provider_name, provider_clsid)\n"
    ");\n"
    "CREATE TABLE baselines(\n"
    "  set_id INTEGER NOT NULL REFERENCES baseline_sets(id) ON DELETE CASCADE,\n"
    "  scenario TEXT NOT NULL,\n"
    "  class TEXT NOT NULL COLLATE NOCASE,\n"
    "  check_id TEXT NOT NULL,\n"
    "  iteration INTEGER NOT NULL,\n"
    "  value TEXT NOT NULL,\n"
    "  PRIMARY KEY (set_id, scenario, class, check_id, iteration)\n"
    ") WITHOUT ROWID;\n"

    /* Expected failures (todo_wine style). */
    "CREATE TABLE todos(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  provider_name TEXT NOT NULL DEFAULT '*' COLLATE NOCASE,\n"
    "  provider_clsid TEXT NOT NULL DEFAULT '*',\n"
    "  scenario TEXT NOT NULL,\n"
    "  class_pattern TEXT NOT NULL DEFAULT '*',\n"
    "  check_id TEXT NOT NULL DEFAULT '*',\n"
    "  reason TEXT NOT NULL CHECK (reason <> ''),\n"
    "  UNIQUE (provider_name, provider_clsid, scenario, class_pattern, check_id)\n"
    ");\n"

    /* Cases: one per scenario x class of a run, written with its
     * observations in one transaction.  Its observations are the rows
     * obs_first .. obs_first + obs_count - 1 of observations. */
    "CREATE TABLE cases(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(id),\n"
    "  scenario_id INTEGER NOT NULL REFERENCES scenarios(id),\n"
    "  class TEXT NOT NULL,\n"
    "  started_ms INTEGER NOT NULL,\n"
    "  ended_ms INTEGER NOT NULL,\n"
    "  status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3),\n"
    "  status_value INTEGER NOT NULL DEFAULT 0,\n"
    "  status_text TEXT NOT NULL DEFAULT '',\n"
    "  last_step_no INTEGER NOT NULL DEFAULT 0,\n"
    "  last_step TEXT NOT NULL DEFAULT '',\n"
    "  trace TEXT NOT NULL DEFAULT '',\n"
    "  journal TEXT NOT NULL DEFAULT '',\n"
    "  verdict INTEGER NOT NULL CHECK (verdict BETWEEN 0 AND 6),\n"
    "  todo INTEGER NOT NULL DEFAULT 0 CHECK (todo BETWEEN 0 AND 2),\n"
    "  message TEXT NOT NULL DEFAULT '',\n"
    "  requirements TEXT NOT NULL DEFAULT '',\n"
    "  step_no INTEGER NOT NULL DEFAULT 0,\n"
    "  step TEXT NOT NULL DEFAULT '',\n"
    "  obs_first INTEGER NOT NULL DEFAULT 0,\n"
    "  obs_count INTEGER NOT NULL DEFAULT 0,\n"
    "  UNIQUE (run_id, scenario_id, class)\n"
    ");\n"

    /* Observations with their verdicts: one row each (see docs/oracle.md
     * for why observation and verdict share a row).  case_id is not a
     * declared foreign key: only oracle_record_case() writes this table,
     * right after the case row in the same transaction, and enforcing it
     * would cost a fifth of the insert rate.  For the same reason verdict
     * and todo have no CHECK here (a tenth): they are written from the C
     * enums only.  Elsewhere CHECKs are ranges, never IN lists, which SQLite
     * evaluates through a temporary table per row (half the insert rate). */
    "CREATE TABLE observations(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  case_id INTEGER NOT NULL,\n"
    "  check_id TEXT NOT NULL,\n"
    "  iteration INTEGER NOT NULL,\n"
    "  observed TEXT NOT NULL,\n"
    "  step_no INTEGER NOT NULL,\n"
    "  excerpt TEXT,\n"
    "  verdict INTEGER NOT NULL,\n"
    "  todo INTEGER NOT NULL DEFAULT 0,\n"
    "  expected TEXT,\n"
    "  message TEXT\n"
    ");\n"

    /* Every verdict of every run, flattened for people with sqlite3: the
     * case verdicts (check_id NULL) and the check verdicts. */
    "CREATE VIEW verdicts AS\n"
    "SELECT c.run_id AS run_id, c.id AS case_id, s.name AS scenario, c.class AS class,\n"
    "       NULL AS check_id, NULL AS iteration,\n"
    "       (SELECT name FROM verdict_names\n"
    "         WHERE code = CASE WHEN c.verdict = 0 AND c.todo = 1 THEN 7 ELSE c.verdict END) AS verdict,\n"
    "       c.requirements AS requirements, c.step_no AS step_no, c.step AS step,\n"
    "       c.message AS message, c.journal AS excerpt\n"
    "  FROM cases c JOIN scenarios s ON s.id = c.scenario_id\n"
    "UNION ALL\n"
    "SELECT c.run_id, c.id, s.name, c.class, o.check_id, o.iteration,\n"
    "       (SELECT name FROM verdict_names\n"
    "         WHERE code = CASE WHEN o.verdict = 0 AND o.todo = 1 THEN 7 ELSE o.verdict END),\n"
    "       (SELECT group_concat(req_id, ' ') FROM (SELECT req_id FROM check_requirements cr\n"
    "         WHERE cr.scenario_id = c.scenario_id AND cr.check_id = o.check_id ORDER BY req_id)),\n"
    "       o.step_no, k.description, o.message, o.excerpt\n"
    "  FROM observations o JOIN cases c ON c.id = o.case_id\n"
    "  JOIN scenarios s ON s.id = c.scenario_id\n"
    "  LEFT JOIN checks k ON k.scenario_id = c.scenario_id AND k.check_id = o.check_id;\n";

const struct oracle_migration oracle_migrations[] = {
    {"the first schema: catalog, scenarios, checks, runs, cases, observations, baselines, todos",
     migration_1},
};
const size_t oracle_nmigrations = sizeof oracle_migrations / sizeof oracle_migrations[0];

_Static_assert(sizeof oracle_migrations / sizeof oracle_migrations[0] == ORACLE_SCHEMA_VERSION,
               "ORACLE_SCHEMA_VERSION must equal the number of migrations");
