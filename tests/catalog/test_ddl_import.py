"""DDL script folders (SQL Source Control, SSMS "Generate Scripts") and single scripts.

The fixture folder is written the way SQL Source Control writes a Vista
database: one ``dbo.NAME.sql`` per object, SET options and GO lines, triggers,
GRANTs and extended properties after each CREATE TABLE.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vgpt2.catalog.importers.ddl import decode_sql_bytes, import_ddl, split_batches
from vgpt2.catalog.model import (
    CatalogObject,
    Column,
    ImportResult,
    Key,
    KeyKind,
    ObjectType,
    Parameter,
)

TYPES = """\
CREATE TYPE [dbo].[bCompany] FROM [tinyint] NOT NULL
GO
CREATE TYPE [dbo].[bContract] FROM [varchar] (10) NULL
GO
CREATE TYPE [dbo].[bDollar] FROM [numeric] (12, 2) NULL
GO
CREATE TYPE [dbo].[bDesc] FROM [varchar] (60) NULL
GO
CREATE TYPE [dbo].[bMonth] FROM [smalldatetime] NOT NULL
GO
CREATE TYPE [dbo].[bTrans] FROM [int] NOT NULL
GO
CREATE TYPE [dbo].[bVendor] FROM [int] NULL
GO
CREATE TYPE [dbo].[bGroup] FROM [tinyint] NOT NULL
GO
"""

JCCM = """\
SET ANSI_NULLS ON
GO
SET QUOTED_IDENTIFIER ON
GO
CREATE TABLE [dbo].[bJCCM]
(
[JCCo] [dbo].[bCompany] NOT NULL,
[Contract] [dbo].[bContract] NOT NULL,
[Description] [dbo].[bDesc] NULL,
[ContractStatus] [tinyint] NOT NULL,
[OrigContractAmt] [dbo].[bDollar] NOT NULL CONSTRAINT [DF_bJCCM_OrigContractAmt] DEFAULT ((0)),
[ContractAmt] bDollar NOT NULL CONSTRAINT [DF_bJCCM_ContractAmt] DEFAULT ((0)),
[RetainPct] [decimal] (6, 4) NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[BillCity] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[CustName] [nvarchar] (60) NULL,
[TotalAmt] AS ([OrigContractAmt]+[ContractAmt]),
[UniqueAttchID] [uniqueidentifier] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
) ON [PRIMARY] TEXTIMAGE_ON [PRIMARY]
GO
SET QUOTED_IDENTIFIER ON
GO
SET ANSI_NULLS ON
GO

/****** Object:  Trigger dbo.btJCCMd ******/
CREATE  trigger [dbo].[btJCCMd] on [dbo].[bJCCM] for DELETE as
/*-----------------------------------------------------------------
 *  This trigger rejects delete in bJCCM (JC Contract Master)
 *  if a dependent record is found in bJCCI.
 */----------------------------------------------------------------
declare @errmsg varchar(255), @numrows int
select @numrows = @@rowcount
create table #work (JCCo tinyint)
if exists(select * from bJCCI i join deleted d on i.JCCo = d.JCCo)
   begin
   select @errmsg = 'Contract Items exist'
   goto error
   end
return
error:
   RAISERROR(@errmsg, 11, -1);
   rollback transaction
GO
CREATE UNIQUE CLUSTERED INDEX [biJCCM] ON [dbo].[bJCCM] ([JCCo], [Contract])
WITH (FILLFACTOR=90, PAD_INDEX=ON) ON [PRIMARY]
GO
CREATE NONCLUSTERED INDEX [biJCCMStatus] ON [dbo].[bJCCM] ([ContractStatus]) ON [PRIMARY]
GO
CREATE UNIQUE NONCLUSTERED INDEX [biKeyID] ON [dbo].[bJCCM] ([KeyID]) ON [PRIMARY]
GO
GRANT SELECT ON  [dbo].[bJCCM] TO [public]
GRANT INSERT ON  [dbo].[bJCCM] TO [public]
GRANT DELETE ON  [dbo].[bJCCM] TO [public]
GO
EXEC sp_addextendedproperty N'MS_Description', N'Job cost company', 'SCHEMA', N'dbo', \
'TABLE', N'bJCCM', 'COLUMN', N'JCCo'
GO
"""

APTH = """\
CREATE TABLE [dbo].[bAPTH]
(
[APCo] [dbo].[bCompany] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[APTrans] [dbo].[bTrans] NOT NULL,
[VendorGroup] [dbo].[bGroup] NOT NULL,
[Vendor] [dbo].[bVendor] NOT NULL,
[APRef] [varchar] (15) COLLATE Latin1_General_BIN NULL,
[InvDate] [smalldatetime] NOT NULL,
[Amount] [numeric] (12, 2) NULL,
CONSTRAINT [PK_bAPTH] PRIMARY KEY CLUSTERED ([APCo] ASC, [Mth], [APTrans] DESC)
WITH (PAD_INDEX = OFF) ON [PRIMARY]
) ON [PRIMARY]
GO
ALTER TABLE [dbo].[bAPTH] WITH NOCHECK ADD
CONSTRAINT [FK_bAPTH_bHQCO] FOREIGN KEY ([APCo]) REFERENCES [dbo].[bHQCO] ([HQCo])
GO
"""

APTL = """\
CREATE TABLE [dbo].[bAPTL]
(
[APCo] [dbo].[bCompany] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[APTrans] [dbo].[bTrans] NOT NULL,
[APLine] [smallint] NOT NULL,
[PO] [varchar] (30) NULL,
[Mystery] [dbo].[bNoSuchType] NULL,
[Amount] [numeric] (12, 2) NOT NULL,
CONSTRAINT [FK_bAPTL_bAPTH] FOREIGN KEY ([APCo], [Mth], [APTrans])
    REFERENCES [dbo].[bAPTH] ([APCo], [Mth], [APTrans]) ON DELETE CASCADE
) ON [PRIMARY]
GO
CREATE UNIQUE CLUSTERED INDEX [biAPTL] ON [dbo].[bAPTL] ([APCo], [Mth], [APTrans], [APLine])
GO
CREATE NONCLUSTERED INDEX [biAPTLPO ] ON [dbo].[bAPTL] ([PO])
GO
"""

JCCM_VIEW = """\
SET QUOTED_IDENTIFIER ON
GO
SET ANSI_NULLS ON
GO
CREATE view [dbo].[JCCM] as select a.* From bJCCM a
GO
GRANT SELECT ON  [dbo].[JCCM] TO [public]
GO
"""

AP_DETAIL_VIEW = """\
SET QUOTED_IDENTIFIER ON
GO
/**************************************************
* Created: DH 10/01/2010
* Purpose: AP invoice lines with their header, for
*          the AP detail report.
* Modified:
**************************************************/
CREATE   VIEW [dbo].[brvAPDetail]
AS
SELECT  h.APCo,
        h.Mth AS [Month],
        LineAmount = l.Amount,
        'Reference' = h.APRef,
        l.APLine Line,
        h.Amount * 2 AS Doubled,
        CAST(h.Vendor AS varchar(20)) AS VendorText,
        (l.PO)
FROM    dbo.bAPTH h WITH (NOLOCK)
        JOIN dbo.bAPTL l WITH (NOLOCK)
            ON l.APCo = h.APCo AND l.Mth = h.Mth AND l.APTrans = h.APTrans
WHERE   EXISTS (SELECT 1 FROM dbo.bJCCM c WHERE c.JCCo = h.APCo)
GO
"""

VIEWS_OVER_VIEWS = """\
CREATE VIEW dbo.JCCMOpen AS SELECT * FROM dbo.JCCM WHERE ContractStatus = 1
GO
CREATE VIEW dbo.LoopA AS SELECT * FROM dbo.LoopB
GO
CREATE VIEW dbo.LoopB AS SELECT * FROM dbo.LoopA
GO
"""

PROCEDURE = """\
SET QUOTED_IDENTIFIER OFF
GO
SET ANSI_NULLS ON
GO
CREATE  proc [dbo].[bspJCContractVal]
/***********************************************************
 * CREATED BY: SE   11/10/96
 *
 * USAGE:
 *   Validates a JC contract and returns its description.
 *
 * INPUT PARAMETERS
 *   JCCo, Contract
 ***********************************************************/
(@jcco bCompany = 0, @contract bContract = null,
 @status tinyint = null output, @amount decimal(12, 2) = -1 OUTPUT,
 @msg varchar(255) output)
as
set nocount on
declare @rcode int
create table #x (a int)
select @rcode = 0
if @jcco is null
   begin
   select @msg = 'Missing JC Company!', @rcode = 1
   goto bspexit
   end
bspexit:
   return @rcode
GO
GRANT EXECUTE ON  [dbo].[bspJCContractVal] TO [public]
GO
"""

FUNCTION = """\
CREATE FUNCTION [dbo].[vfJCOpenContracts] (@jcco bCompany)
RETURNS TABLE
AS
RETURN (SELECT c.JCCo, c.Contract, c.Description FROM dbo.JCCM c WHERE c.JCCo = @jcco)
GO
"""

UTF16_VIEW = """\
CREATE VIEW [dbo].[APTH] AS
SELECT a.* FROM dbo.bAPTH a
GO
"""

BROKEN = """\
CREATE TABLE [dbo].[bBroken]
(
[Good] [int] NOT NULL,
[Bad] [varchar] (30 NOT NULL,
[AlsoGood] [varchar] (10) NULL
) ON [PRIMARY]
GO
CREATE VIEW [dbo].[NoAs] SELECT 1 AS One
GO
"""

SPACED = """\
CREATE TABLE [dbo].[bHQCO ]
(
[HQCo] [dbo].[bCompany] NOT NULL,
[Name] [varchar] (60) NULL
)
GO
"""


def write(folder: Path, relative: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.fixture
def vista(tmp_path: Path) -> Path:
    folder = tmp_path / "Viewpoint"
    # Tables/ sorts before Types/: the UDTs are read after the tables that use them.
    write(folder, "Types/User-defined Data Types/dbo.types.sql", TYPES)
    write(folder, "Tables/dbo.bJCCM.sql", JCCM)
    write(folder, "Tables/dbo.bAPTH.sql", APTH)
    write(folder, "Tables/dbo.bAPTL.sql", APTL)
    write(folder, "Tables/dbo.bHQCO.sql", SPACED)
    write(folder, "Tables/dbo.bBroken.sql", BROKEN)
    write(folder, "Views/dbo.JCCM.sql", JCCM_VIEW)
    write(folder, "Views/dbo.brvAPDetail.sql", AP_DETAIL_VIEW)
    write(folder, "Views/dbo.more.sql", VIEWS_OVER_VIEWS)
    write(folder, "Views/dbo.APTH.sql", "\ufeff" + UTF16_VIEW, encoding="utf-16-le")
    write(folder, "Stored Procedures/dbo.bspJCContractVal.sql", PROCEDURE)
    write(folder, "Functions/dbo.vfJCOpenContracts.sql", FUNCTION)
    write(folder, "README.txt", "not a script")
    return folder


@pytest.fixture
def imported(vista: Path) -> ImportResult:
    return import_ddl(vista)


def obj(result: ImportResult, name: str) -> CatalogObject:
    found = [o for o in result.objects if o.name == name]
    assert len(found) == 1, f"{name}: {[o.name for o in result.objects]}"
    return found[0]


def col(o: CatalogObject, name: str) -> Column:
    column = o.column(name)
    assert column is not None, f"{o.name}.{name} not in {[c.name for c in o.columns]}"
    return column


def warnings(result: ImportResult) -> list[str]:
    return [str(i) for i in result.issues if i.severity == "warning"]


def test_objects_of_every_kind_are_imported(imported: ImportResult) -> None:
    kinds = {o.name: o.type for o in imported.objects}
    assert kinds == {
        "bJCCM": ObjectType.TABLE, "bAPTH": ObjectType.TABLE, "bAPTL": ObjectType.TABLE,
        "bHQCO": ObjectType.TABLE, "bBroken": ObjectType.TABLE,
        "JCCM": ObjectType.VIEW, "brvAPDetail": ObjectType.VIEW, "JCCMOpen": ObjectType.VIEW,
        "LoopA": ObjectType.VIEW, "LoopB": ObjectType.VIEW, "APTH": ObjectType.VIEW,
        "bspJCContractVal": ObjectType.PROCEDURE, "vfJCOpenContracts": ObjectType.FUNCTION,
    }
    # Temporary tables in trigger and procedure bodies are not objects; triggers are not either.
    assert not any(o.name.startswith(("#", "bt")) for o in imported.objects)
    assert {o.module for o in imported.objects if o.name in ("bJCCM", "JCCM")} == {"JC"}
    assert obj(imported, "brvAPDetail").module == "AP"
    assert obj(imported, "bJCCM").schema == "dbo"


def test_table_columns_keep_exact_case_and_resolve_udts(imported: ImportResult) -> None:
    jccm = obj(imported, "bJCCM")
    assert [c.name for c in jccm.columns] == [
        "JCCo", "Contract", "Description", "ContractStatus", "OrigContractAmt", "ContractAmt",
        "RetainPct", "Notes", "BillCity", "CustName", "TotalAmt", "UniqueAttchID", "KeyID",
    ]
    assert [c.ordinal for c in jccm.columns] == list(range(1, 14))
    jcco = col(jccm, "JCCo")
    assert (jcco.data_type, jcco.base_type, jcco.nullable) == ("bCompany", "tinyint", False)
    assert jcco.description == "Job cost company"
    contract = col(jccm, "Contract")
    assert (contract.data_type, contract.base_type, contract.max_length) == (
        "bContract", "varchar", 10)
    assert contract.type_display == "bContract (varchar(10))"
    amount = col(jccm, "ContractAmt")  # unbracketed UDT name
    assert (amount.base_type, amount.precision, amount.scale) == ("numeric", 12, 2)
    assert col(jccm, "Description").nullable is True
    assert col(jccm, "RetainPct").type_display == "decimal(6,4)"
    notes = col(jccm, "Notes")
    assert (notes.data_type, notes.max_length) == ("varchar", -1)
    assert col(jccm, "BillCity").max_length == 30  # COLLATE does not disturb the size
    assert col(jccm, "CustName").max_length == 60  # characters, as declared
    total = col(jccm, "TotalAmt")
    assert total.is_computed and total.base_type == "computed"
    key_id = col(jccm, "KeyID")
    assert key_id.is_identity and not key_id.nullable and key_id.base_type == "bigint"
    assert jccm.definition is not None and jccm.definition.startswith("CREATE TABLE [dbo].[bJCCM]")
    assert "TEXTIMAGE_ON" in jccm.definition and "trigger" not in jccm.definition
    assert jccm.description == "JC Contract Master"  # from the trigger's header
    assert jccm.source is not None and jccm.source.line == line_of(JCCM, "CREATE TABLE")


def test_keys_from_constraints_and_unique_indexes(imported: ImportResult) -> None:
    jccm = obj(imported, "bJCCM")
    assert jccm.keys == (
        Key("biJCCM", KeyKind.UNIQUE_CLUSTERED, ("JCCo", "Contract")),
        Key("biKeyID", KeyKind.UNIQUE, ("KeyID",)),
    )  # the non-unique biJCCMStatus is not a key
    assert jccm.key == Key("biJCCM", KeyKind.UNIQUE_CLUSTERED, ("JCCo", "Contract"))
    apth = obj(imported, "bAPTH")
    assert apth.keys == (Key("PK_bAPTH", KeyKind.PRIMARY, ("APCo", "Mth", "APTrans")),)
    assert obj(imported, "bAPTL").key == Key(
        "biAPTL", KeyKind.UNIQUE_CLUSTERED, ("APCo", "Mth", "APTrans", "APLine"))


def test_foreign_keys_from_create_and_alter_table(imported: ImportResult, vista: Path) -> None:
    fks = {fk.name: fk for fk in imported.foreign_keys}
    assert set(fks) == {"FK_bAPTH_bHQCO", "FK_bAPTL_bAPTH"}
    line = fks["FK_bAPTL_bAPTH"]
    assert (line.from_object, line.from_columns, line.to_object, line.to_columns) == (
        "bAPTL", ("APCo", "Mth", "APTrans"), "bAPTH", ("APCo", "Mth", "APTrans"))
    company = fks["FK_bAPTH_bHQCO"]
    assert (company.from_columns, company.to_object, company.to_columns) == (
        ("APCo",), "bHQCO", ("HQCo",))
    assert company.source is not None
    assert company.source.path == str(vista / "Tables/dbo.bAPTH.sql")


def test_user_types_are_reported(imported: ImportResult) -> None:
    company = imported.types["bCompany"]
    assert (company.base_type, company.nullable) == ("tinyint", False)
    dollar = imported.types["bDollar"]
    assert (dollar.base_type, dollar.precision, dollar.scale, dollar.nullable) == (
        "numeric", 12, 2, True)
    assert imported.types["bContract"].max_length == 10


def test_star_view_takes_the_base_table_columns_and_types(imported: ImportResult) -> None:
    view = obj(imported, "JCCM")
    table = obj(imported, "bJCCM")
    assert view.base_objects == ("bJCCM",)
    assert [c.name for c in view.columns] == [c.name for c in table.columns]
    assert col(view, "JCCo").type_display == "bCompany (tinyint)"
    assert col(view, "Notes").max_length == -1
    assert view.definition == "CREATE view [dbo].[JCCM] as select a.* From bJCCM a"
    assert view.description is None
    # A view over a view resolves through it.
    open_view = obj(imported, "JCCMOpen")
    assert open_view.base_objects == ("JCCM",)
    assert col(open_view, "Contract").data_type == "bContract"


def test_view_with_explicit_columns_and_aliases(imported: ImportResult) -> None:
    view = obj(imported, "brvAPDetail")
    assert view.base_objects == ("bAPTH", "bAPTL", "bJCCM")
    assert [c.name for c in view.columns] == [
        "APCo", "Month", "LineAmount", "Reference", "Line", "Doubled", "VendorText", "PO"]
    assert [c.ordinal for c in view.columns] == list(range(1, 9))
    assert col(view, "APCo").data_type == "bCompany"
    assert col(view, "Month").base_type == "smalldatetime"
    line_amount = col(view, "LineAmount")
    assert (line_amount.base_type, line_amount.precision, line_amount.scale) == ("numeric", 12, 2)
    assert col(view, "Reference").max_length == 15
    assert col(view, "Line").base_type == "smallint"
    assert col(view, "Doubled").base_type == "unknown"
    assert col(view, "VendorText").type_display == "varchar(20)"
    assert col(view, "PO").max_length == 30
    assert view.description == "AP invoice lines with their header, for the AP detail report."
    assert view.definition is not None and view.definition.startswith("CREATE   VIEW")


def test_utf16_file_is_read(imported: ImportResult) -> None:
    view = obj(imported, "APTH")
    assert view.base_objects == ("bAPTH",)
    assert col(view, "Vendor").data_type == "bVendor"


def test_procedure_and_function_parameters(imported: ImportResult) -> None:
    proc = obj(imported, "bspJCContractVal")
    assert proc.parameters == (
        Parameter("@jcco", "bCompany"),
        Parameter("@contract", "bContract"),
        Parameter("@status", "tinyint"),
        Parameter("@amount", "decimal(12,2)"),
        Parameter("@msg", "varchar(255)"),
    )
    assert proc.module == "JC"
    assert proc.description == "Validates a JC contract and returns its description."
    assert proc.definition is not None and proc.definition.endswith("return @rcode")
    function = obj(imported, "vfJCOpenContracts")
    assert function.parameters == (Parameter("@jcco", "bCompany"),)
    assert [c.name for c in function.columns] == ["JCCo", "Contract", "Description"]
    assert col(function, "Contract").base_type == "varchar"


def test_bad_input_is_reported_with_file_and_line(imported: ImportResult, vista: Path) -> None:
    broken = vista / "Tables/dbo.bBroken.sql"
    problems = [i for i in imported.issues if i.path == broken]
    assert [(i.line, i.severity) for i in problems] == [
        (line_of(BROKEN, "[Bad]"), "warning"), (line_of(BROKEN, "CREATE VIEW"), "warning")]
    assert "NOT" in problems[0].message and "bBroken" in problems[0].message
    assert "expected AS" in problems[1].message
    # The rest of that table still imports.
    assert [c.name for c in obj(imported, "bBroken").columns] == ["Good", "AlsoGood"]

    aptl_file = vista / "Tables/dbo.bAPTL.sql"
    unknown = [i for i in imported.issues if "bNoSuchType" in i.message]
    assert len(unknown) == 1
    assert (unknown[0].path, unknown[0].line) == (aptl_file, line_of(APTL, "[Mystery]"))
    mystery = col(obj(imported, "bAPTL"), "Mystery")
    assert (mystery.data_type, mystery.base_type) == ("bNoSuchType", "unknown")

    spaced = [i for i in imported.issues if "biAPTLPO " in i.message]
    assert [(i.path, i.line) for i in spaced] == [(aptl_file, line_of(APTL, "[biAPTLPO ]"))]
    hqco = [i for i in imported.issues if "[bHQCO ]" in i.message]
    assert len(hqco) == 1 and hqco[0].line == 1
    assert [c.name for c in obj(imported, "bHQCO").columns] == ["HQCo", "Name"]

    # Nothing else is worth a warning in this folder.
    assert len(warnings(imported)) == 5, warnings(imported)


def test_unresolvable_views_are_kept_quietly(imported: ImportResult) -> None:
    for name in ("LoopA", "LoopB"):  # a cycle of views
        assert obj(imported, name).columns == ()
    infos = [i for i in imported.issues if i.severity == "info"]
    assert sorted(i.message.split()[2] for i in infos) == ["LoopA", "LoopB"]


def test_single_script_with_many_batches(tmp_path: Path) -> None:
    script = write(tmp_path, "vista.sql", "\r\n".join([
        "/* generated by SSMS */",
        "USE [Viewpoint]",
        "GO",
        "SET ANSI_NULLS ON",
        "go",
        "IF NOT EXISTS (SELECT * FROM sys.objects WHERE name = N'bPREH')",
        "BEGIN",
        "CREATE TABLE [dbo].[bPREH]([PRCo] [dbo].[bCompany] NOT NULL, [Employee] [int] NOT NULL,",
        " [LastName] [varchar](30) NULL, CONSTRAINT [PK_bPREH] PRIMARY KEY ([PRCo], [Employee]))",
        "END",
        "GO 2",
        "CREATE VIEW [dbo].[PREH] AS SELECT a.* FROM dbo.bPREH a WITH (NOLOCK)",
        "GO  -- done",
        "IF NOT EXISTS (SELECT * FROM sys.views WHERE name = N'PREHNames')",
        "EXEC dbo.sp_executesql @statement = N'CREATE VIEW [dbo].[PREHNames] AS",
        "SELECT Employee, Name = LastName FROM dbo.PREH WHERE LastName <> ''''' ",
        "GO",
        "CREATE TYPE [dbo].[bCompany] FROM [tinyint] NOT NULL",
        "CREATE PROCEDURE dbo.vspPREmplVal @prco bCompany, @empl int = NULL OUTPUT AS",
        "SELECT 1",
        "GO",
    ]))
    result = import_ddl(script)
    assert [o.name for o in result.objects] == ["bPREH", "PREH", "PREHNames", "vspPREmplVal"]
    assert col(obj(result, "PREH"), "PRCo").base_type == "tinyint"
    assert obj(result, "bPREH").key == Key("PK_bPREH", KeyKind.PRIMARY, ("PRCo", "Employee"))
    names = obj(result, "PREHNames")
    assert [(c.name, c.data_type) for c in names.columns] == [
        ("Employee", "int"), ("Name", "varchar")]
    assert names.source is not None and names.source.line == 15
    assert obj(result, "vspPREmplVal").parameters == (
        Parameter("@prco", "bCompany"), Parameter("@empl", "int"))
    assert result.issues == []


def test_same_object_twice_later_file_wins(tmp_path: Path) -> None:
    first = write(tmp_path, "a/dbo.bX.sql", "CREATE TABLE dbo.bX (A int)\nGO\n")
    second = write(tmp_path, "b/dbo.bX.sql", "\n\nCREATE TABLE dbo.bX (A int, B int)\nGO\n")
    result = import_ddl(tmp_path)
    assert [c.name for c in obj(result, "bX").columns] == ["A", "B"]
    [issue] = result.issues
    assert (issue.path, issue.line) == (second, 3)
    assert f"{first}:1" in issue.message


def test_other_encodings(tmp_path: Path) -> None:
    text = "CREATE TABLE dbo.bCafé ([Señor] varchar(10) NULL)\n"
    write(tmp_path, "cp1252.sql", text, encoding="cp1252")
    write(tmp_path, "utf8bom.sql", "\ufeff" + text.replace("bCafé", "bUtf8"))
    write(tmp_path, "utf16nobom.sql", text.replace("bCafé", "bUtf16"), encoding="utf-16-le")
    result = import_ddl(tmp_path)
    assert {o.name for o in result.objects} == {"bCafé", "bUtf8", "bUtf16"}
    assert all(o.columns[0].name == "Señor" for o in result.objects)
    assert decode_sql_bytes("GO".encode("utf-16")) == "GO"


def test_split_batches_on_go_lines_only() -> None:
    text = "select 1\nGO\nselect 'GO'\n  go 3 -- repeat\r\nselect 2 -- GO\nGOTO x\n"
    batches = [text[a:b].strip() for a, b in split_batches(text)]
    assert batches == ["select 1", "select 'GO'", "select 2 -- GO\nGOTO x"]


def test_missing_path_is_an_issue_not_an_exception(tmp_path: Path) -> None:
    result = import_ddl(tmp_path / "nope")
    assert result.objects == [] and len(result.issues) == 1


_REALISTIC = JCCM + APTH + APTL + AP_DETAIL_VIEW + PROCEDURE + FUNCTION + BROKEN + TYPES
_FRAGMENTS = st.sampled_from([
    "CREATE ", "TABLE ", "VIEW ", "PROC ", "FUNCTION ", "TYPE ", "INDEX ", "ALTER ", "(", ")",
    ",", "[", "]", "'", '"', "/*", "*/", "--", "\n", "\nGO\n", "AS ", "SELECT ", "* ", "FROM ",
    "@a ", "int ", "EXEC sp_addextendedproperty ", "N'x' ", "= ", ".", "CONSTRAINT ",
    "PRIMARY KEY ", "FOREIGN KEY ", "REFERENCES ", "UNIQUE CLUSTERED ", "ON ", "RETURNS ",
    "RETURN ", "WITH ", "IDENTITY(1,1) ", "DEFAULT ", "NOT NULL ", "varchar(max) ", "a.* ",
    "UNION ", "JOIN ", "bJCCM ", "CREATE TRIGGER t ON bJCCM ", "EXEC('CREATE VIEW v AS ",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(
        st.text(max_size=400),
        st.lists(_FRAGMENTS, max_size=60).map("".join),
        st.tuples(st.integers(0, len(_REALISTIC)), st.integers(0, 4000)).map(
            lambda cut: _REALISTIC[cut[0]:cut[0] + cut[1]]),
        st.tuples(st.integers(0, len(_REALISTIC)), _FRAGMENTS).map(
            lambda cut: _REALISTIC[:cut[0]] + cut[1] + _REALISTIC[cut[0]:]),
    ),
    encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]),
)
def test_any_text_imports_without_raising(text: str, encoding: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.sql"
        path.write_bytes(text.encode(encoding, errors="replace"))
        result = import_ddl(path)
    assert not [i for i in result.issues if "internal error" in i.message]
    for issue in result.issues:
        assert issue.path == path
        assert issue.line is None or issue.line >= 1
