/*
    vgpt2 sample catalog: core Viewpoint Vista objects as one T-SQL DDL script
    =========================================================================

    vgpt2 reads this file with its DDL importer when no shop schema has been
    imported yet, so completion, diagnostics and generation work with zero setup.

    What it is
      - About ninety of the base tables report writers query most (AP, AR, JC, JB,
        PR, GL, CM, PO, SL, EM, IN, HQ, PM, SM), each with the view Vista puts
        over it, the user-defined types they use, their real keys, a few declared
        foreign keys, five reporting views, five report procedures and three
        functions.
      - Written for vgpt2 in the style SQL Server Management Studio / SQL Source
        Control scripts a Vista database: [dbo].[bXXXX] tables, UDT column types,
        COLLATE Latin1_General_BIN, KeyID identity columns, GO batches.
      - A hand-picked SUBSET of each table's columns: every key column, every
        company and group column used in joins (APCo, JCCo, VendorGroup,
        PhaseGroup, ...) and the columns reports use most. A real Vista table has
        many more columns (bJCJM has over a hundred); import your own schema (a
        metadata export or a DDL script folder) to get all of them. Names, declared
        types, UDT base types, nullability, identity and keys match a real Vista 6.x
        database; tests/catalog/test_sample_catalog.py checks them against a real
        catalog export when one is present.
      - Descriptions, synonyms, module names and status-code meanings are not
        here: they live in knowledge.toml next to this file.

    Conventions worth knowing
      - Query the views (APTH), not the base tables (bAPTH, vSMWorkOrder).
      - Names are case-sensitive (Latin1_General_BIN): Job, not job.
      - Mth columns hold the first day of a month.
      - Join on the whole key: APTH-APTL on APCo, Mth, APTrans; masters shared by
        companies are keyed by group (VendorGroup+Vendor, CustGroup+Customer,
        PhaseGroup+Phase, MatlGroup+Material).
      - The PR views (PREH, PRTH, PRDT, PRSQ, PREA) and JCCD carry Vista's
        employee data-security filter on vDDDU; the other views are a plain
        SELECT a.* over their table.
*/

SET ANSI_NULLS ON
GO
SET QUOTED_IDENTIFIER ON
GO

-- ============================================================================
-- User-defined types: the ones the objects below use, plus other common Vista types
-- ============================================================================
CREATE TYPE [dbo].[bACO] FROM [varchar] (10) NULL
GO
CREATE TYPE [dbo].[bACOItem] FROM [varchar] (10) NULL
GO
CREATE TYPE [dbo].[bAPReference] FROM [varchar] (15) NOT NULL
GO
CREATE TYPE [dbo].[bBatchID] FROM [int] NOT NULL
GO
CREATE TYPE [dbo].[bBillingGroup] FROM [varchar] (20) NOT NULL
GO
CREATE TYPE [dbo].[bBillType] FROM [char] (1) NOT NULL
GO
CREATE TYPE [dbo].[bCat] FROM [varchar] (10) NOT NULL
GO
CREATE TYPE [dbo].[bClass] FROM [varchar] (10) NULL
GO
CREATE TYPE [dbo].[bCMAcct] FROM [smallint] NOT NULL
GO
CREATE TYPE [dbo].[bCMRef] FROM [varchar] (10) NULL
GO
CREATE TYPE [dbo].[bCMTransType] FROM [tinyint] NOT NULL
GO
CREATE TYPE [dbo].[bCompany] FROM [tinyint] NOT NULL
GO
CREATE TYPE [dbo].[bContract] FROM [varchar] (10) NULL
GO
CREATE TYPE [dbo].[bContractItem] FROM [varchar] (16) NULL
GO
CREATE TYPE [dbo].[bCostCode] FROM [varchar] (10) NOT NULL
GO
CREATE TYPE [dbo].[bCraft] FROM [varchar] (10) NULL
GO
CREATE TYPE [dbo].[bCustomer] FROM [int] NOT NULL
GO
CREATE TYPE [dbo].[bDate] FROM [smalldatetime] NOT NULL
GO
CREATE TYPE [dbo].[bDept] FROM [varchar] (10) NOT NULL
GO
CREATE TYPE [dbo].[bDesc] FROM [varchar] (30) NOT NULL
GO
CREATE TYPE [dbo].[bDocType] FROM [varchar] (10) NOT NULL
GO
CREATE TYPE [dbo].[bDocument] FROM [varchar] (10) NOT NULL
GO
CREATE TYPE [dbo].[bDollar] FROM [numeric] (12, 2) NOT NULL
GO
CREATE TYPE [dbo].[bEarnType] FROM [smallint] NOT NULL
GO
CREATE TYPE [dbo].[bECM] FROM [char] (1) NOT NULL
GO
CREATE TYPE [dbo].[bEDLCode] FROM [smallint] NOT NULL
GO
CREATE TYPE [dbo].[bEMCType] FROM [tinyint] NOT NULL
GO
CREATE TYPE [dbo].[bEmployee] FROM [int] NOT NULL
GO
CREATE TYPE [dbo].[bEquip] FROM [varchar] (10) NOT NULL
GO
CREATE TYPE [dbo].[bFirm] FROM [int] NOT NULL
GO
CREATE TYPE [dbo].[bFreq] FROM [varchar] (10) NOT NULL
GO
CREATE TYPE [dbo].[bGLAcct] FROM [char] (20) NOT NULL
GO
CREATE TYPE [dbo].[bGLRef] FROM [char] (10) NOT NULL
GO
CREATE TYPE [dbo].[bGroup] FROM [tinyint] NOT NULL
GO
CREATE TYPE [dbo].[bHaulCode] FROM [varchar] (10) NOT NULL
GO
CREATE TYPE [dbo].[bHoldCode] FROM [varchar] (10) NOT NULL
GO
CREATE TYPE [dbo].[bHRRef] FROM [int] NOT NULL
GO
CREATE TYPE [dbo].[bHrs] FROM [numeric] (10, 2) NOT NULL
GO
CREATE TYPE [dbo].[bInsCode] FROM [varchar] (10) NOT NULL
GO
CREATE TYPE [dbo].[bIssue] FROM [int] NULL
GO
CREATE TYPE [dbo].[bItem] FROM [smallint] NOT NULL
GO
CREATE TYPE [dbo].[bItemDesc] FROM [varchar] (60) NULL
GO
CREATE TYPE [dbo].[bJCCType] FROM [tinyint] NOT NULL
GO
CREATE TYPE [dbo].[bJob] FROM [varchar] (10) NULL
GO
CREATE TYPE [dbo].[bJrnl] FROM [char] (2) NOT NULL
GO
CREATE TYPE [dbo].[bLiabilityType] FROM [smallint] NOT NULL
GO
CREATE TYPE [dbo].[bLoc] FROM [varchar] (10) NULL
GO
CREATE TYPE [dbo].[bLocalCode] FROM [varchar] (10) NOT NULL
GO
CREATE TYPE [dbo].[bMatl] FROM [varchar] (20) NOT NULL
GO
CREATE TYPE [dbo].[bMO] FROM [varchar] (10) NULL
GO
CREATE TYPE [dbo].[bMonth] FROM [smalldatetime] NOT NULL
GO
CREATE TYPE [dbo].[bNotes] FROM [varchar] (max) NOT NULL
GO
CREATE TYPE [dbo].[bPayCode] FROM [varchar] (10) NULL
GO
CREATE TYPE [dbo].[bPayTerms] FROM [varchar] (10) NOT NULL
GO
CREATE TYPE [dbo].[bPCO] FROM [varchar] (10) NOT NULL
GO
CREATE TYPE [dbo].[bPCOItem] FROM [varchar] (10) NOT NULL
GO
CREATE TYPE [dbo].[bPct] FROM [numeric] (6, 4) NOT NULL
GO
CREATE TYPE [dbo].[bPhase] FROM [varchar] (20) NOT NULL
GO
CREATE TYPE [dbo].[bPhone] FROM [varchar] (20) NOT NULL
GO
CREATE TYPE [dbo].[bProject] FROM [varchar] (10) NOT NULL
GO
CREATE TYPE [dbo].[bRate] FROM [numeric] (8, 6) NOT NULL
GO
CREATE TYPE [dbo].[bReasonCode] FROM [varchar] (10) NULL
GO
CREATE TYPE [dbo].[bRevCode] FROM [varchar] (10) NULL
GO
CREATE TYPE [dbo].[bShipLoc] FROM [varchar] (10) NULL
GO
CREATE TYPE [dbo].[bSortName] FROM [varchar] (15) NOT NULL
GO
CREATE TYPE [dbo].[bSource] FROM [char] (10) NOT NULL
GO
CREATE TYPE [dbo].[bStatus] FROM [char] (6) NOT NULL
GO
CREATE TYPE [dbo].[bTaxCode] FROM [varchar] (10) NOT NULL
GO
CREATE TYPE [dbo].[bTic] FROM [varchar] (10) NULL
GO
CREATE TYPE [dbo].[bTrans] FROM [int] NOT NULL
GO
CREATE TYPE [dbo].[bTransDesc] FROM [varchar] (60) NOT NULL
GO
CREATE TYPE [dbo].[bTruck] FROM [varchar] (10) NULL
GO
CREATE TYPE [dbo].[bUM] FROM [varchar] (3) NOT NULL
GO
CREATE TYPE [dbo].[bUnitCost] FROM [numeric] (16, 5) NOT NULL
GO
CREATE TYPE [dbo].[bUnits] FROM [numeric] (12, 3) NOT NULL
GO
CREATE TYPE [dbo].[bVendor] FROM [int] NOT NULL
GO
CREATE TYPE [dbo].[bVPUserName] FROM [varchar] (128) NULL
GO
CREATE TYPE [dbo].[bWO] FROM [varchar] (10) NOT NULL
GO
CREATE TYPE [dbo].[bYN] FROM [char] (1) NOT NULL
GO
CREATE TYPE [dbo].[bZip] FROM [varchar] (12) NOT NULL
GO

-- ============================================================================
-- HQ: Headquarters (companies, materials and categories, tax codes, pay terms, units of measure)
-- ============================================================================
CREATE TABLE [dbo].[bHQCO]
(
[HQCo] [dbo].[bCompany] NOT NULL,
[Name] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[Address] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[City] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[State] [varchar] (4) COLLATE Latin1_General_BIN NULL,
[Zip] [dbo].[bZip] NULL,
[Address2] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[FedTaxId] [varchar] (20) COLLATE Latin1_General_BIN NULL,
[Phone] [dbo].[bPhone] NULL,
[Fax] [dbo].[bPhone] NULL,
[VendorGroup] [dbo].[bGroup] NULL,
[MatlGroup] [dbo].[bGroup] NULL,
[PhaseGroup] [dbo].[bGroup] NULL,
[CustGroup] [dbo].[bGroup] NULL,
[TaxGroup] [dbo].[bGroup] NULL,
[EMGroup] [dbo].[bGroup] NULL,
[Vendor] [dbo].[bVendor] NULL,
[Customer] [dbo].[bCustomer] NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[ShopGroup] [dbo].[bGroup] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1),
[Country] [char] (2) COLLATE Latin1_General_BIN NULL,
[ContactGroup] [dbo].[bGroup] NULL
)
GO
CREATE UNIQUE CLUSTERED INDEX [biHQCO] ON [dbo].[bHQCO] ([HQCo])
GO
CREATE VIEW [dbo].[HQCO] AS SELECT a.* FROM dbo.bHQCO a
GO

CREATE TABLE [dbo].[bHQMT]
(
[MatlGroup] [dbo].[bGroup] NOT NULL,
[Material] [dbo].[bMatl] NOT NULL,
[Category] [varchar] (10) COLLATE Latin1_General_BIN NOT NULL,
[Description] [dbo].[bItemDesc] NULL,
[StdUM] [dbo].[bUM] NOT NULL,
[Cost] [dbo].[bUnitCost] NOT NULL,
[CostECM] [dbo].[bECM] NOT NULL,
[Price] [dbo].[bUnitCost] NOT NULL,
[PriceECM] [dbo].[bECM] NOT NULL,
[PurchaseUM] [dbo].[bUM] NOT NULL,
[SalesUM] [dbo].[bUM] NOT NULL,
[WeightConv] [dbo].[bUnits] NULL,
[Stocked] [dbo].[bYN] NOT NULL,
[Taxable] [dbo].[bYN] NOT NULL,
[MatlPhase] [dbo].[bPhase] NULL,
[MatlJCCostType] [dbo].[bJCCType] NULL,
[Active] [dbo].[bYN] NOT NULL,
[Type] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biHQMT] ON [dbo].[bHQMT] ([MatlGroup], [Material])
GO
CREATE VIEW [dbo].[HQMT] AS SELECT a.* FROM dbo.bHQMT a
GO

CREATE TABLE [dbo].[bHQTX]
(
[TaxGroup] [dbo].[bGroup] NOT NULL,
[TaxCode] [dbo].[bTaxCode] NOT NULL,
[Description] [dbo].[bDesc] NULL,
[MultiLevel] [dbo].[bYN] NOT NULL,
[OldRate] [dbo].[bRate] NULL,
[NewRate] [dbo].[bRate] NULL,
[EffectiveDate] [dbo].[bDate] NULL,
[GLAcct] [dbo].[bGLAcct] NULL,
[Phase] [dbo].[bPhase] NULL,
[JCCostType] [dbo].[bJCCType] NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1),
[ValueAdd] [dbo].[bYN] NOT NULL,
[GST] [dbo].[bYN] NOT NULL
)
GO
CREATE UNIQUE CLUSTERED INDEX [biHQTX] ON [dbo].[bHQTX] ([TaxGroup], [TaxCode])
GO
CREATE VIEW [dbo].[HQTX] AS SELECT a.* FROM dbo.bHQTX a
GO

CREATE TABLE [dbo].[bHQPT]
(
[PayTerms] [dbo].[bPayTerms] NOT NULL,
[Description] [dbo].[bDesc] NULL,
[DiscOpt] [tinyint] NOT NULL,
[DaysTillDisc] [tinyint] NULL,
[DiscDay] [tinyint] NULL,
[DueOpt] [tinyint] NOT NULL,
[DaysTillDue] [tinyint] NULL,
[DueDay] [tinyint] NULL,
[CutOffDay] [tinyint] NULL,
[DiscRate] [dbo].[bPct] NOT NULL,
[MatlDisc] [dbo].[bYN] NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biHQPT] ON [dbo].[bHQPT] ([PayTerms])
GO
CREATE VIEW [dbo].[HQPT] AS SELECT a.* FROM dbo.bHQPT a
GO

CREATE TABLE [dbo].[bHQUM]
(
[UM] [dbo].[bUM] NOT NULL,
[Description] [dbo].[bDesc] NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biHQUM] ON [dbo].[bHQUM] ([UM])
GO
CREATE VIEW [dbo].[HQUM] AS SELECT a.* FROM dbo.bHQUM a
GO

CREATE TABLE [dbo].[bHQMC]
(
[MatlGroup] [dbo].[bGroup] NOT NULL,
[Category] [varchar] (10) COLLATE Latin1_General_BIN NOT NULL,
[Description] [dbo].[bDesc] NULL,
[GLAcct] [dbo].[bGLAcct] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biHQMC] ON [dbo].[bHQMC] ([MatlGroup], [Category])
GO
CREATE VIEW [dbo].[HQMC] AS SELECT a.* FROM dbo.bHQMC a
GO

-- ============================================================================
-- DD: data security (vDDDU backs the employee filter on the PR and JCCD views)
-- ============================================================================
CREATE TABLE [dbo].[vDDDU]
(
[Datatype] [varchar] (30) COLLATE Latin1_General_BIN NOT NULL,
[Qualifier] [tinyint] NOT NULL,
[Instance] [char] (30) COLLATE Latin1_General_BIN NOT NULL,
[VPUserName] [dbo].[bVPUserName] NOT NULL,
[Employee] [dbo].[bEmployee] NULL
)
GO
CREATE UNIQUE CLUSTERED INDEX [viDDDU] ON [dbo].[vDDDU] ([Datatype], [Qualifier], [Instance], [VPUserName])
GO
CREATE VIEW [dbo].[DDDU] AS SELECT a.* FROM dbo.vDDDU a
GO

-- ============================================================================
-- GL: General Ledger
-- ============================================================================
CREATE TABLE [dbo].[bGLCO]
(
[GLCo] [dbo].[bCompany] NOT NULL,
[LastMthSubClsd] [dbo].[bMonth] NOT NULL,
[LastMthGLClsd] [dbo].[bMonth] NOT NULL,
[MaxOpen] [tinyint] NOT NULL,
[CashAccrual] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[Unbal] [dbo].[bYN] NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1),
[LastMthAPClsd] [dbo].[bMonth] NOT NULL,
[LastMthARClsd] [dbo].[bMonth] NOT NULL
)
GO
CREATE UNIQUE CLUSTERED INDEX [biGLCO] ON [dbo].[bGLCO] ([GLCo])
GO
ALTER TABLE [dbo].[bGLCO] ADD CONSTRAINT [PK_bGLCO] PRIMARY KEY NONCLUSTERED ([KeyID])
GO
CREATE VIEW [dbo].[GLCO] AS SELECT a.* FROM dbo.bGLCO a
GO

CREATE TABLE [dbo].[bGLAC]
(
[GLCo] [dbo].[bCompany] NOT NULL,
[GLAcct] [dbo].[bGLAcct] NOT NULL,
[Description] [dbo].[bDesc] NULL,
[AcctType] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[SubType] [char] (1) COLLATE Latin1_General_BIN NULL,
[NormBal] [char] (1) COLLATE Latin1_General_BIN NULL,
[InterfaceDetail] [dbo].[bYN] NOT NULL,
[Active] [dbo].[bYN] NOT NULL,
[SummaryAcct] [dbo].[bGLAcct] NOT NULL,
[CashAccrual] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[Part1] [varchar] (20) COLLATE Latin1_General_BIN NULL,
[Part2] [varchar] (20) COLLATE Latin1_General_BIN NULL,
[Part3] [varchar] (20) COLLATE Latin1_General_BIN NULL,
[AllParts] [varchar] (20) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biGLAC] ON [dbo].[bGLAC] ([GLCo], [GLAcct])
GO
ALTER TABLE [dbo].[bGLAC] ADD CONSTRAINT [PK_bGLAC] PRIMARY KEY NONCLUSTERED ([KeyID])
GO
CREATE VIEW [dbo].[GLAC] AS SELECT a.* FROM dbo.bGLAC a
GO

CREATE TABLE [dbo].[bGLDT]
(
[GLCo] [dbo].[bCompany] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[GLTrans] [dbo].[bTrans] NOT NULL,
[GLAcct] [dbo].[bGLAcct] NOT NULL,
[Jrnl] [dbo].[bJrnl] NOT NULL,
[GLRef] [dbo].[bGLRef] NOT NULL,
[SourceCo] [dbo].[bCompany] NOT NULL,
[Source] [dbo].[bSource] NOT NULL,
[ActDate] [dbo].[bDate] NOT NULL,
[DatePosted] [dbo].[bDate] NOT NULL,
[Description] [dbo].[bTransDesc] NULL,
[BatchId] [dbo].[bBatchID] NOT NULL,
[Amount] [dbo].[bDollar] NOT NULL,
[RevStatus] [tinyint] NOT NULL,
[Adjust] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[Purge] [dbo].[bYN] NOT NULL
)
GO
ALTER TABLE [dbo].[bGLDT] ADD CONSTRAINT [PK_bGLDT] PRIMARY KEY CLUSTERED ([GLCo], [Mth], [GLTrans])
GO
CREATE VIEW [dbo].[GLDT] AS SELECT a.* FROM dbo.bGLDT a
GO

CREATE TABLE [dbo].[bGLBL]
(
[GLCo] [dbo].[bCompany] NOT NULL,
[GLAcct] [dbo].[bGLAcct] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[NetActivity] [dbo].[bDollar] NOT NULL,
[Debits] [dbo].[bDollar] NULL,
[Credits] [dbo].[bDollar] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biGLBL] ON [dbo].[bGLBL] ([GLCo], [GLAcct], [Mth])
GO
ALTER TABLE [dbo].[bGLBL] ADD CONSTRAINT [PK_bGLBL] PRIMARY KEY NONCLUSTERED ([KeyID])
GO
CREATE VIEW [dbo].[GLBL] AS SELECT a.* FROM dbo.bGLBL a
GO

CREATE TABLE [dbo].[bGLFP]
(
[GLCo] [dbo].[bCompany] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[FiscalPd] [tinyint] NOT NULL,
[FiscalYr] [smallint] NOT NULL
)
GO
ALTER TABLE [dbo].[bGLFP] ADD CONSTRAINT [PK_bGLFP] PRIMARY KEY CLUSTERED ([GLCo], [Mth])
GO
CREATE VIEW [dbo].[GLFP] AS SELECT a.* FROM dbo.bGLFP a
GO

CREATE TABLE [dbo].[bGLJR]
(
[GLCo] [dbo].[bCompany] NOT NULL,
[Jrnl] [dbo].[bJrnl] NOT NULL,
[Description] [dbo].[bTransDesc] NULL,
[Rev] [dbo].[bYN] NOT NULL,
[RevJrnl] [dbo].[bJrnl] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biGLJR] ON [dbo].[bGLJR] ([GLCo], [Jrnl])
GO
ALTER TABLE [dbo].[bGLJR] ADD CONSTRAINT [PK_bGLJR] PRIMARY KEY NONCLUSTERED ([KeyID])
GO
CREATE VIEW [dbo].[GLJR] AS SELECT a.* FROM dbo.bGLJR a
GO

CREATE TABLE [dbo].[bGLAS]
(
[GLCo] [dbo].[bCompany] NOT NULL,
[GLAcct] [dbo].[bGLAcct] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[Jrnl] [dbo].[bJrnl] NOT NULL,
[GLRef] [dbo].[bGLRef] NOT NULL,
[SourceCo] [dbo].[bCompany] NOT NULL,
[Source] [dbo].[bSource] NOT NULL,
[NetAmt] [dbo].[bDollar] NOT NULL,
[Adjust] [dbo].[bYN] NULL
)
GO
CREATE UNIQUE CLUSTERED INDEX [biGLAS] ON [dbo].[bGLAS] ([GLCo], [GLAcct], [Mth], [Jrnl], [GLRef], [SourceCo], [Source])
GO
CREATE VIEW [dbo].[GLAS] AS SELECT a.* FROM dbo.bGLAS a
GO

-- ============================================================================
-- CM: Cash Management
-- ============================================================================
CREATE TABLE [dbo].[bCMCO]
(
[CMCo] [dbo].[bCompany] NOT NULL,
[GLCo] [dbo].[bCompany] NOT NULL,
[Jrnl] [dbo].[bJrnl] NOT NULL,
[GLInterfaceLvl] [tinyint] NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biCMCO] ON [dbo].[bCMCO] ([CMCo])
GO
ALTER TABLE [dbo].[bCMCO] ADD CONSTRAINT [PK_bCMCO_KeyID] PRIMARY KEY NONCLUSTERED ([KeyID])
GO
CREATE VIEW [dbo].[CMCO] AS SELECT a.* FROM dbo.bCMCO a
GO

CREATE TABLE [dbo].[bCMAC]
(
[CMCo] [dbo].[bCompany] NOT NULL,
[CMAcct] [dbo].[bCMAcct] NOT NULL,
[Description] [dbo].[bDesc] NULL,
[GLCo] [dbo].[bCompany] NOT NULL,
[GLAcct] [dbo].[bGLAcct] NOT NULL,
[BankAcct] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[BankName] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[RoutingId] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[AcctType] [char] (1) COLLATE Latin1_General_BIN NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biCMAC] ON [dbo].[bCMAC] ([CMCo], [CMAcct])
GO
ALTER TABLE [dbo].[bCMAC] ADD CONSTRAINT [PK_bCMAC_KeyID] PRIMARY KEY NONCLUSTERED ([KeyID])
GO
CREATE VIEW [dbo].[CMAC] AS SELECT a.* FROM dbo.bCMAC a
GO

CREATE TABLE [dbo].[bCMDT]
(
[CMCo] [dbo].[bCompany] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[CMTrans] [dbo].[bTrans] NOT NULL,
[CMAcct] [dbo].[bCMAcct] NOT NULL,
[StmtDate] [dbo].[bDate] NULL,
[CMTransType] [dbo].[bCMTransType] NOT NULL,
[SourceCo] [dbo].[bCompany] NOT NULL,
[Source] [dbo].[bSource] NOT NULL,
[ActDate] [dbo].[bDate] NOT NULL,
[PostedDate] [dbo].[bDate] NOT NULL,
[Description] [dbo].[bDesc] NULL,
[Amount] [dbo].[bDollar] NOT NULL,
[ClearedAmt] [dbo].[bDollar] NOT NULL,
[BatchId] [dbo].[bBatchID] NOT NULL,
[CMRef] [dbo].[bCMRef] NOT NULL,
[CMRefSeq] [tinyint] NOT NULL,
[Payee] [varchar] (20) COLLATE Latin1_General_BIN NULL,
[GLCo] [dbo].[bCompany] NOT NULL,
[CMGLAcct] [dbo].[bGLAcct] NOT NULL,
[GLAcct] [dbo].[bGLAcct] NULL,
[Void] [dbo].[bYN] NOT NULL,
[ClearDate] [dbo].[bDate] NULL,
[Purge] [dbo].[bYN] NOT NULL
)
GO
CREATE UNIQUE CLUSTERED INDEX [biCMDT] ON [dbo].[bCMDT] ([CMCo], [Mth], [CMTrans])
GO
CREATE VIEW [dbo].[CMDT] AS SELECT a.* FROM dbo.bCMDT a
GO

-- ============================================================================
-- AP: Accounts Payable
-- ============================================================================
CREATE TABLE [dbo].[bAPCO]
(
[APCo] [dbo].[bCompany] NOT NULL,
[GLCo] [dbo].[bCompany] NOT NULL,
[ExpJrnl] [dbo].[bJrnl] NULL,
[PayJrnl] [dbo].[bJrnl] NULL,
[DiscOffGLAcct] [dbo].[bGLAcct] NULL,
[DiscTakenGLAcct] [dbo].[bGLAcct] NULL,
[ExpPayType] [tinyint] NULL,
[JobPayType] [tinyint] NULL,
[SubPayType] [tinyint] NULL,
[RetPayType] [tinyint] NULL,
[RetHoldCode] [dbo].[bHoldCode] NULL,
[CMCo] [dbo].[bCompany] NOT NULL,
[CMAcct] [dbo].[bCMAcct] NULL,
[JCCo] [dbo].[bCompany] NULL,
[NetAmtOpt] [dbo].[bYN] NOT NULL,
[INCo] [dbo].[bCompany] NULL,
[EMCo] [dbo].[bCompany] NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[PayCategoryYN] [dbo].[bYN] NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biAPCO] ON [dbo].[bAPCO] ([APCo])
GO
CREATE VIEW [dbo].[APCO] AS SELECT a.* FROM dbo.bAPCO a
GO

CREATE TABLE [dbo].[bAPVM]
(
[VendorGroup] [dbo].[bGroup] NOT NULL,
[Vendor] [dbo].[bVendor] NOT NULL,
[SortName] [dbo].[bSortName] NOT NULL,
[Name] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[Type] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[TempYN] [dbo].[bYN] NOT NULL,
[Contact] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[Phone] [dbo].[bPhone] NULL,
[EMail] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[Address] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[City] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[State] [varchar] (4) COLLATE Latin1_General_BIN NULL,
[Zip] [dbo].[bZip] NULL,
[Address2] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[CustGroup] [dbo].[bGroup] NULL,
[Customer] [dbo].[bCustomer] NULL,
[TaxGroup] [dbo].[bGroup] NULL,
[TaxCode] [dbo].[bTaxCode] NULL,
[PayTerms] [dbo].[bPayTerms] NULL,
[GLCo] [dbo].[bCompany] NOT NULL,
[GLAcct] [dbo].[bGLAcct] NULL,
[V1099YN] [dbo].[bYN] NOT NULL,
[V1099Type] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[V1099Box] [tinyint] NULL,
[TaxId] [varchar] (12) COLLATE Latin1_General_BIN NULL,
[ActiveYN] [dbo].[bYN] NOT NULL,
[EFT] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[LastInvDate] [dbo].[bDate] NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1),
[PayMethod] [char] (1) COLLATE Latin1_General_BIN NOT NULL
)
GO
CREATE UNIQUE CLUSTERED INDEX [biAPVM] ON [dbo].[bAPVM] ([VendorGroup], [Vendor])
GO
CREATE VIEW [dbo].[APVM] AS SELECT a.* FROM dbo.bAPVM a
GO

CREATE TABLE [dbo].[bAPTH]
(
[APCo] [dbo].[bCompany] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[APTrans] [dbo].[bTrans] NOT NULL,
[VendorGroup] [dbo].[bGroup] NOT NULL,
[Vendor] [dbo].[bVendor] NOT NULL,
[InvId] [char] (10) COLLATE Latin1_General_BIN NULL,
[APRef] [dbo].[bAPReference] NULL,
[Description] [dbo].[bDesc] NULL,
[InvDate] [dbo].[bDate] NOT NULL,
[DiscDate] [dbo].[bDate] NULL,
[DueDate] [dbo].[bDate] NOT NULL,
[InvTotal] [dbo].[bDollar] NOT NULL,
[HoldCode] [dbo].[bHoldCode] NULL,
[PayControl] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[PayMethod] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[CMCo] [dbo].[bCompany] NOT NULL,
[CMAcct] [dbo].[bCMAcct] NULL,
[PrePaidYN] [dbo].[bYN] NOT NULL,
[PrePaidMth] [dbo].[bMonth] NULL,
[PrePaidDate] [dbo].[bDate] NULL,
[PrePaidChk] [dbo].[bCMRef] NULL,
[V1099YN] [dbo].[bYN] NOT NULL,
[OpenYN] [dbo].[bYN] NOT NULL,
[BatchId] [dbo].[bBatchID] NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[UniqueAttchID] [uniqueidentifier] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biAPTH] ON [dbo].[bAPTH] ([APCo], [Mth], [APTrans])
GO
CREATE VIEW [dbo].[APTH] AS SELECT a.* FROM dbo.bAPTH a
GO

CREATE TABLE [dbo].[bAPTL]
(
[APCo] [dbo].[bCompany] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[APTrans] [dbo].[bTrans] NOT NULL,
[APLine] [smallint] NOT NULL,
[LineType] [tinyint] NOT NULL,
[PO] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[POItem] [dbo].[bItem] NULL,
[SL] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[SLItem] [dbo].[bItem] NULL,
[JCCo] [dbo].[bCompany] NULL,
[Job] [dbo].[bJob] NULL,
[PhaseGroup] [dbo].[bGroup] NULL,
[Phase] [dbo].[bPhase] NULL,
[JCCType] [dbo].[bJCCType] NULL,
[EMCo] [dbo].[bCompany] NULL,
[Equip] [dbo].[bEquip] NULL,
[EMGroup] [dbo].[bGroup] NULL,
[CostCode] [dbo].[bCostCode] NULL,
[EMCType] [dbo].[bEMCType] NULL,
[MatlGroup] [dbo].[bGroup] NULL,
[Material] [dbo].[bMatl] NULL,
[GLCo] [dbo].[bCompany] NOT NULL,
[GLAcct] [dbo].[bGLAcct] NOT NULL,
[Description] [dbo].[bDesc] NULL,
[UM] [dbo].[bUM] NULL,
[Units] [dbo].[bUnits] NOT NULL,
[UnitCost] [dbo].[bUnitCost] NOT NULL,
[PayType] [tinyint] NOT NULL,
[GrossAmt] [dbo].[bDollar] NOT NULL,
[MiscAmt] [dbo].[bDollar] NOT NULL,
[TaxGroup] [dbo].[bGroup] NULL,
[TaxCode] [dbo].[bTaxCode] NULL,
[TaxAmt] [dbo].[bDollar] NOT NULL,
[Retainage] [dbo].[bDollar] NOT NULL,
[Discount] [dbo].[bDollar] NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biAPTL] ON [dbo].[bAPTL] ([APCo], [Mth], [APTrans], [APLine])
GO
CREATE VIEW [dbo].[APTL] AS SELECT a.* FROM dbo.bAPTL a
GO

CREATE TABLE [dbo].[bAPTD]
(
[APCo] [dbo].[bCompany] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[APTrans] [dbo].[bTrans] NOT NULL,
[APLine] [smallint] NOT NULL,
[APSeq] [tinyint] NOT NULL,
[PayType] [tinyint] NOT NULL,
[Amount] [dbo].[bDollar] NOT NULL,
[DiscOffer] [dbo].[bDollar] NOT NULL,
[DiscTaken] [dbo].[bDollar] NOT NULL,
[DueDate] [dbo].[bDate] NOT NULL,
[Status] [tinyint] NOT NULL,
[PaidMth] [dbo].[bMonth] NULL,
[PaidDate] [dbo].[bDate] NULL,
[CMCo] [dbo].[bCompany] NULL,
[CMAcct] [dbo].[bCMAcct] NULL,
[PayMethod] [char] (1) COLLATE Latin1_General_BIN NULL,
[CMRef] [dbo].[bCMRef] NULL,
[CMRefSeq] [tinyint] NULL,
[EFTSeq] [smallint] NULL,
[VendorGroup] [dbo].[bGroup] NULL,
[Supplier] [dbo].[bVendor] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biAPTD] ON [dbo].[bAPTD] ([APCo], [Mth], [APTrans], [APLine], [APSeq])
GO
CREATE VIEW [dbo].[APTD] AS SELECT a.* FROM dbo.bAPTD a
GO

CREATE TABLE [dbo].[bAPPH]
(
[APCo] [dbo].[bCompany] NOT NULL,
[CMCo] [dbo].[bCompany] NOT NULL,
[CMAcct] [dbo].[bCMAcct] NOT NULL,
[PayMethod] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[CMRef] [dbo].[bCMRef] NOT NULL,
[CMRefSeq] [tinyint] NOT NULL,
[EFTSeq] [smallint] NOT NULL,
[VendorGroup] [dbo].[bGroup] NOT NULL,
[Vendor] [dbo].[bVendor] NOT NULL,
[Name] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[ChkType] [char] (1) COLLATE Latin1_General_BIN NULL,
[PaidMth] [dbo].[bMonth] NOT NULL,
[PaidDate] [dbo].[bDate] NOT NULL,
[Amount] [dbo].[bDollar] NOT NULL,
[Supplier] [dbo].[bVendor] NULL,
[VoidYN] [dbo].[bYN] NOT NULL,
[VoidMemo] [varchar] (255) COLLATE Latin1_General_BIN NULL,
[BatchId] [dbo].[bBatchID] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biAPPH] ON [dbo].[bAPPH] ([APCo], [CMCo], [CMAcct], [PayMethod], [CMRef], [CMRefSeq], [EFTSeq])
GO
CREATE VIEW [dbo].[APPH] AS SELECT a.* FROM dbo.bAPPH a
GO

CREATE TABLE [dbo].[bAPPD]
(
[APCo] [dbo].[bCompany] NOT NULL,
[CMCo] [dbo].[bCompany] NOT NULL,
[CMAcct] [dbo].[bCMAcct] NOT NULL,
[PayMethod] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[CMRef] [dbo].[bCMRef] NOT NULL,
[CMRefSeq] [tinyint] NOT NULL,
[EFTSeq] [smallint] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[APTrans] [dbo].[bTrans] NOT NULL,
[APRef] [dbo].[bAPReference] NULL,
[Description] [dbo].[bDesc] NULL,
[InvDate] [dbo].[bDate] NOT NULL,
[Gross] [dbo].[bDollar] NOT NULL,
[Retainage] [dbo].[bDollar] NOT NULL,
[PrevPaid] [dbo].[bDollar] NOT NULL,
[PrevDiscTaken] [dbo].[bDollar] NOT NULL,
[Balance] [dbo].[bDollar] NOT NULL,
[DiscTaken] [dbo].[bDollar] NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biAPPD] ON [dbo].[bAPPD] ([APCo], [CMCo], [CMAcct], [PayMethod], [CMRef], [CMRefSeq], [EFTSeq], [Mth], [APTrans])
GO
CREATE VIEW [dbo].[APPD] AS SELECT a.* FROM dbo.bAPPD a
GO

-- ============================================================================
-- AR: Accounts Receivable
-- ============================================================================
CREATE TABLE [dbo].[bARCO]
(
[ARCo] [dbo].[bCompany] NOT NULL,
[GLCo] [dbo].[bCompany] NULL,
[CMCo] [dbo].[bCompany] NULL,
[CMAcct] [dbo].[bCMAcct] NULL,
[JCCo] [dbo].[bCompany] NULL,
[FCPct] [dbo].[bPct] NOT NULL,
[InvoiceJrnl] [dbo].[bJrnl] NULL,
[PaymentJrnl] [dbo].[bJrnl] NULL,
[InvAutoNum] [dbo].[bYN] NOT NULL,
[InvLastNum] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[RecType] [tinyint] NULL,
[DiscOpt] [char] (1) COLLATE Latin1_General_BIN NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[EMCo] [dbo].[bCompany] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biARCO] ON [dbo].[bARCO] ([ARCo])
GO
CREATE VIEW [dbo].[ARCO] AS SELECT a.* FROM dbo.bARCO a
GO

CREATE TABLE [dbo].[bARCM]
(
[CustGroup] [dbo].[bGroup] NOT NULL,
[Customer] [dbo].[bCustomer] NOT NULL,
[Name] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[SortName] [dbo].[bSortName] NOT NULL,
[TempYN] [dbo].[bYN] NOT NULL,
[Phone] [dbo].[bPhone] NULL,
[Fax] [dbo].[bPhone] NULL,
[EMail] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[Contact] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[Address] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[City] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[State] [varchar] (4) COLLATE Latin1_General_BIN NULL,
[Zip] [dbo].[bZip] NULL,
[Address2] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[BillAddress] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[BillCity] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[BillState] [varchar] (4) COLLATE Latin1_General_BIN NULL,
[BillZip] [dbo].[bZip] NULL,
[Status] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[RecType] [tinyint] NULL,
[PayTerms] [dbo].[bPayTerms] NULL,
[TaxGroup] [dbo].[bGroup] NULL,
[TaxCode] [dbo].[bTaxCode] NULL,
[CreditLimit] [dbo].[bDollar] NOT NULL,
[StmtType] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[DateOpened] [dbo].[bDate] NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biARCM] ON [dbo].[bARCM] ([CustGroup], [Customer])
GO
CREATE VIEW [dbo].[ARCM] AS SELECT a.* FROM dbo.bARCM a
GO

CREATE TABLE [dbo].[bARTH]
(
[ARCo] [dbo].[bCompany] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[ARTrans] [dbo].[bTrans] NOT NULL,
[ARTransType] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[CustGroup] [dbo].[bGroup] NOT NULL,
[Customer] [dbo].[bCustomer] NULL,
[CustPO] [varchar] (20) COLLATE Latin1_General_BIN NULL,
[RecType] [tinyint] NULL,
[JCCo] [dbo].[bCompany] NULL,
[Contract] [dbo].[bContract] NULL,
[Invoice] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[CheckNo] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[Source] [char] (10) COLLATE Latin1_General_BIN NOT NULL,
[TransDate] [dbo].[bDate] NOT NULL,
[DueDate] [dbo].[bDate] NULL,
[DiscDate] [dbo].[bDate] NULL,
[Description] [dbo].[bDesc] NULL,
[CMCo] [dbo].[bCompany] NULL,
[CMAcct] [dbo].[bCMAcct] NULL,
[CMDeposit] [dbo].[bCMRef] NULL,
[CreditAmt] [dbo].[bDollar] NOT NULL,
[PayTerms] [dbo].[bPayTerms] NULL,
[AppliedMth] [dbo].[bMonth] NULL,
[AppliedTrans] [dbo].[bTrans] NULL,
[Invoiced] [dbo].[bDollar] NOT NULL,
[Paid] [dbo].[bDollar] NOT NULL,
[Retainage] [dbo].[bDollar] NOT NULL,
[DiscTaken] [dbo].[bDollar] NOT NULL,
[AmountDue] [dbo].[bDollar] NOT NULL,
[PayFullDate] [dbo].[bDate] NULL,
[BatchId] [dbo].[bBatchID] NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biARTH] ON [dbo].[bARTH] ([ARCo], [Mth], [ARTrans])
GO
CREATE VIEW [dbo].[ARTH] AS SELECT a.* FROM dbo.bARTH a
GO

CREATE TABLE [dbo].[bARTL]
(
[ARCo] [dbo].[bCompany] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[ARTrans] [dbo].[bTrans] NOT NULL,
[ARLine] [smallint] NOT NULL,
[RecType] [tinyint] NULL,
[LineType] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[Description] [dbo].[bDesc] NULL,
[GLCo] [dbo].[bCompany] NULL,
[GLAcct] [dbo].[bGLAcct] NULL,
[TaxGroup] [dbo].[bGroup] NULL,
[TaxCode] [dbo].[bTaxCode] NULL,
[Amount] [dbo].[bDollar] NOT NULL,
[TaxBasis] [dbo].[bDollar] NOT NULL,
[TaxAmount] [dbo].[bDollar] NOT NULL,
[RetgPct] [dbo].[bPct] NOT NULL,
[Retainage] [dbo].[bDollar] NOT NULL,
[DiscOffered] [dbo].[bDollar] NOT NULL,
[DiscTaken] [dbo].[bDollar] NOT NULL,
[ApplyMth] [dbo].[bMonth] NOT NULL,
[ApplyTrans] [dbo].[bTrans] NOT NULL,
[ApplyLine] [smallint] NOT NULL,
[JCCo] [dbo].[bCompany] NULL,
[Contract] [dbo].[bContract] NULL,
[Item] [dbo].[bContractItem] NULL,
[ContractUnits] [dbo].[bUnits] NULL,
[Job] [dbo].[bJob] NULL,
[PhaseGroup] [dbo].[bGroup] NULL,
[Phase] [dbo].[bPhase] NULL,
[CostType] [dbo].[bJCCType] NULL,
[UM] [dbo].[bUM] NULL,
[CustPO] [varchar] (20) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biARTL] ON [dbo].[bARTL] ([ARCo], [Mth], [ARTrans], [ARLine])
GO
CREATE VIEW [dbo].[ARTL] AS SELECT a.* FROM dbo.bARTL a
GO

-- ============================================================================
-- JC: Job Cost (contracts, jobs, phases, cost types, cost and revenue detail)
-- ============================================================================
CREATE TABLE [dbo].[bJCCO]
(
[JCCo] [dbo].[bCompany] NOT NULL,
[ValidPhaseChars] [tinyint] NOT NULL,
[PostClosedJobs] [dbo].[bYN] NOT NULL,
[UseJobBilling] [dbo].[bYN] NOT NULL,
[DefaultBillType] [dbo].[bBillType] NOT NULL,
[ARCo] [dbo].[bCompany] NOT NULL,
[INCo] [dbo].[bCompany] NULL,
[GLCo] [dbo].[bCompany] NOT NULL,
[GLCostJournal] [dbo].[bJrnl] NULL,
[GLRevJournal] [dbo].[bJrnl] NULL,
[GLCloseJournal] [dbo].[bJrnl] NULL,
[PRCo] [dbo].[bCompany] NULL,
[ProjMethod] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biJCCO] ON [dbo].[bJCCO] ([JCCo])
GO
CREATE VIEW [dbo].[JCCO] AS SELECT a.* FROM dbo.bJCCO a
GO

CREATE TABLE [dbo].[bJCCM]
(
[JCCo] [dbo].[bCompany] NULL,
[Contract] [dbo].[bContract] NOT NULL,
[Description] [dbo].[bItemDesc] NULL,
[Department] [dbo].[bDept] NOT NULL,
[ContractStatus] [tinyint] NOT NULL,
[OriginalDays] [smallint] NOT NULL,
[CurrentDays] [smallint] NOT NULL,
[StartMonth] [dbo].[bMonth] NOT NULL,
[MonthClosed] [dbo].[bMonth] NULL,
[ProjCloseDate] [dbo].[bDate] NULL,
[ActualCloseDate] [dbo].[bDate] NULL,
[CustGroup] [dbo].[bGroup] NULL,
[Customer] [dbo].[bCustomer] NULL,
[PayTerms] [dbo].[bPayTerms] NULL,
[TaxGroup] [dbo].[bGroup] NULL,
[TaxCode] [dbo].[bTaxCode] NULL,
[RetainagePCT] [dbo].[bPct] NOT NULL,
[DefaultBillType] [dbo].[bBillType] NOT NULL,
[OrigContractAmt] [dbo].[bDollar] NOT NULL,
[ContractAmt] [dbo].[bDollar] NOT NULL,
[BilledAmt] [dbo].[bDollar] NOT NULL,
[ReceivedAmt] [dbo].[bDollar] NOT NULL,
[CurrentRetainAmt] [dbo].[bDollar] NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[ProcessGroup] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[CustomerReference] [dbo].[bDesc] NULL,
[StartDate] [dbo].[bDate] NULL,
[JBTemplate] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[RecType] [tinyint] NULL,
[SecurityGroup] [int] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biJCCM] ON [dbo].[bJCCM] ([JCCo], [Contract])
GO
CREATE VIEW [dbo].[JCCM] AS SELECT a.* FROM dbo.bJCCM a
GO

CREATE TABLE [dbo].[bJCCI]
(
[JCCo] [dbo].[bCompany] NOT NULL,
[Contract] [dbo].[bContract] NOT NULL,
[Item] [dbo].[bContractItem] NOT NULL,
[Description] [dbo].[bItemDesc] NULL,
[Department] [dbo].[bDept] NOT NULL,
[TaxGroup] [dbo].[bGroup] NULL,
[TaxCode] [dbo].[bTaxCode] NULL,
[UM] [dbo].[bUM] NOT NULL,
[RetainPCT] [dbo].[bPct] NOT NULL,
[OrigContractAmt] [dbo].[bDollar] NOT NULL,
[OrigContractUnits] [dbo].[bUnits] NOT NULL,
[OrigUnitPrice] [dbo].[bUnitCost] NOT NULL,
[ContractAmt] [dbo].[bDollar] NOT NULL,
[ContractUnits] [dbo].[bUnits] NOT NULL,
[UnitPrice] [dbo].[bUnitCost] NOT NULL,
[BilledAmt] [dbo].[bDollar] NOT NULL,
[BilledUnits] [dbo].[bUnits] NOT NULL,
[ReceivedAmt] [dbo].[bDollar] NOT NULL,
[CurrentRetainAmt] [dbo].[bDollar] NOT NULL,
[BillType] [dbo].[bBillType] NULL,
[BillGroup] [dbo].[bBillingGroup] NULL,
[BillDescription] [dbo].[bItemDesc] NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[StartMonth] [dbo].[bMonth] NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biJCCI] ON [dbo].[bJCCI] ([JCCo], [Contract], [Item])
GO
CREATE VIEW [dbo].[JCCI] AS SELECT a.* FROM dbo.bJCCI a
GO

CREATE TABLE [dbo].[bJCJM]
(
[JCCo] [dbo].[bCompany] NOT NULL,
[Job] [dbo].[bJob] NOT NULL,
[Description] [dbo].[bItemDesc] NULL,
[Contract] [dbo].[bContract] NULL,
[JobStatus] [tinyint] NOT NULL,
[BidNumber] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[LockPhases] [dbo].[bYN] NOT NULL,
[ProjectMgr] [int] NULL,
[JobPhone] [dbo].[bPhone] NULL,
[MailAddress] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[MailCity] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[MailState] [varchar] (4) COLLATE Latin1_General_BIN NULL,
[MailZip] [dbo].[bZip] NULL,
[ShipAddress] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[ShipCity] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[ShipState] [varchar] (4) COLLATE Latin1_General_BIN NULL,
[ShipZip] [dbo].[bZip] NULL,
[LiabTemplate] [smallint] NULL,
[TaxGroup] [dbo].[bGroup] NOT NULL,
[TaxCode] [dbo].[bTaxCode] NULL,
[PRLocalCode] [dbo].[bLocalCode] NULL,
[PRStateCode] [varchar] (4) COLLATE Latin1_General_BIN NULL,
[Certified] [dbo].[bYN] NOT NULL,
[CraftTemplate] [smallint] NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[VendorGroup] [dbo].[bGroup] NULL,
[ArchEngFirm] [dbo].[bFirm] NULL,
[ContactCode] [dbo].[bEmployee] NULL,
[OurFirm] [dbo].[bFirm] NULL,
[SecurityGroup] [int] NULL,
[RateTemplate] [smallint] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biJCJM] ON [dbo].[bJCJM] ([JCCo], [Job])
GO
CREATE VIEW [dbo].[JCJM] AS SELECT a.* FROM dbo.bJCJM a
GO

CREATE TABLE [dbo].[bJCJP]
(
[JCCo] [dbo].[bCompany] NOT NULL,
[Job] [dbo].[bJob] NOT NULL,
[PhaseGroup] [tinyint] NOT NULL,
[Phase] [dbo].[bPhase] NOT NULL,
[Description] [dbo].[bItemDesc] NULL,
[Contract] [dbo].[bContract] NOT NULL,
[Item] [dbo].[bContractItem] NOT NULL,
[ProjMinPct] [dbo].[bPct] NULL,
[ActiveYN] [dbo].[bYN] NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biJCJP] ON [dbo].[bJCJP] ([JCCo], [Job], [PhaseGroup], [Phase])
GO
CREATE VIEW [dbo].[JCJP] AS SELECT a.* FROM dbo.bJCJP a
GO

CREATE TABLE [dbo].[bJCCH]
(
[JCCo] [dbo].[bCompany] NOT NULL,
[Job] [dbo].[bJob] NOT NULL,
[PhaseGroup] [tinyint] NOT NULL,
[Phase] [dbo].[bPhase] NOT NULL,
[CostType] [dbo].[bJCCType] NOT NULL,
[UM] [dbo].[bUM] NOT NULL,
[BillFlag] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[ItemUnitFlag] [dbo].[bYN] NOT NULL,
[PhaseUnitFlag] [dbo].[bYN] NOT NULL,
[BuyOutYN] [dbo].[bYN] NOT NULL,
[LastProjDate] [smalldatetime] NULL,
[Plugged] [dbo].[bYN] NOT NULL,
[ActiveYN] [dbo].[bYN] NOT NULL,
[OrigHours] [dbo].[bHrs] NOT NULL,
[OrigUnits] [dbo].[bUnits] NOT NULL,
[OrigCost] [dbo].[bDollar] NOT NULL,
[SourceStatus] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biJCCH] ON [dbo].[bJCCH] ([JCCo], [Job], [PhaseGroup], [Phase], [CostType])
GO
CREATE VIEW [dbo].[JCCH] AS SELECT a.* FROM dbo.bJCCH a
GO

CREATE TABLE [dbo].[bJCCD]
(
[JCCo] [dbo].[bCompany] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[CostTrans] [dbo].[bTrans] NOT NULL,
[Job] [dbo].[bJob] NOT NULL,
[PhaseGroup] [dbo].[bGroup] NOT NULL,
[Phase] [dbo].[bPhase] NOT NULL,
[CostType] [dbo].[bJCCType] NOT NULL,
[PostedDate] [dbo].[bDate] NOT NULL,
[ActualDate] [dbo].[bDate] NOT NULL,
[JCTransType] [varchar] (2) COLLATE Latin1_General_BIN NOT NULL,
[Source] [dbo].[bSource] NOT NULL,
[Description] [dbo].[bTransDesc] NULL,
[BatchId] [dbo].[bBatchID] NULL,
[GLCo] [dbo].[bCompany] NULL,
[GLTransAcct] [dbo].[bGLAcct] NULL,
[GLOffsetAcct] [dbo].[bGLAcct] NULL,
[UM] [dbo].[bUM] NULL,
[ActualUnitCost] [dbo].[bUnitCost] NOT NULL,
[ActualHours] [dbo].[bHrs] NOT NULL,
[ActualUnits] [dbo].[bUnits] NOT NULL,
[ActualCost] [dbo].[bDollar] NOT NULL,
[EstHours] [dbo].[bHrs] NOT NULL,
[EstUnits] [dbo].[bUnits] NOT NULL,
[EstCost] [dbo].[bDollar] NOT NULL,
[ProjHours] [dbo].[bHrs] NOT NULL,
[ProjUnits] [dbo].[bUnits] NOT NULL,
[ProjCost] [dbo].[bDollar] NOT NULL,
[TotalCmtdUnits] [dbo].[bUnits] NOT NULL,
[TotalCmtdCost] [dbo].[bDollar] NOT NULL,
[RemainCmtdUnits] [dbo].[bUnits] NOT NULL,
[RemainCmtdCost] [dbo].[bDollar] NOT NULL,
[PRCo] [dbo].[bCompany] NULL,
[Employee] [dbo].[bEmployee] NULL,
[Craft] [dbo].[bCraft] NULL,
[Class] [dbo].[bClass] NULL,
[VendorGroup] [dbo].[bGroup] NULL,
[Vendor] [dbo].[bVendor] NULL,
[APCo] [dbo].[bCompany] NULL,
[APTrans] [dbo].[bTrans] NULL,
[APLine] [smallint] NULL,
[APRef] [dbo].[bAPReference] NULL,
[PO] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[POItem] [dbo].[bItem] NULL,
[SL] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[SLItem] [dbo].[bItem] NULL,
[MatlGroup] [dbo].[bGroup] NULL,
[Material] [dbo].[bMatl] NULL,
[EMCo] [dbo].[bCompany] NULL,
[EMEquip] [dbo].[bEquip] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biJCCD] ON [dbo].[bJCCD] ([JCCo], [Job], [Phase], [CostType], [Mth], [CostTrans])
GO
CREATE VIEW [dbo].[JCCD] AS
SELECT a.* FROM dbo.bJCCD a
WHERE suser_sname() = 'viewpointcs' OR suser_sname() = 'VCSPortal'
   OR a.Employee IS NULL OR EXISTS (SELECT TOP 1 1 FROM dbo.vDDDU c WITH (NOLOCK)
              WHERE a.PRCo = c.Qualifier AND a.Employee = c.Employee
                AND c.Datatype = 'bEmployee' AND c.VPUserName = suser_sname())
GO

CREATE TABLE [dbo].[bJCCP]
(
[JCCo] [dbo].[bCompany] NOT NULL,
[Job] [dbo].[bJob] NOT NULL,
[PhaseGroup] [dbo].[bGroup] NOT NULL,
[Phase] [dbo].[bPhase] NOT NULL,
[CostType] [dbo].[bJCCType] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[ActualHours] [dbo].[bHrs] NOT NULL,
[ActualUnits] [dbo].[bUnits] NOT NULL,
[ActualCost] [dbo].[bDollar] NOT NULL,
[OrigEstHours] [dbo].[bHrs] NOT NULL,
[OrigEstUnits] [dbo].[bUnits] NOT NULL,
[OrigEstCost] [dbo].[bDollar] NOT NULL,
[CurrEstHours] [dbo].[bHrs] NOT NULL,
[CurrEstUnits] [dbo].[bUnits] NOT NULL,
[CurrEstCost] [dbo].[bDollar] NOT NULL,
[ProjHours] [dbo].[bHrs] NOT NULL,
[ProjUnits] [dbo].[bUnits] NOT NULL,
[ProjCost] [dbo].[bDollar] NOT NULL,
[ForecastCost] [dbo].[bDollar] NOT NULL,
[TotalCmtdUnits] [dbo].[bUnits] NOT NULL,
[TotalCmtdCost] [dbo].[bDollar] NOT NULL,
[RemainCmtdUnits] [dbo].[bUnits] NOT NULL,
[RemainCmtdCost] [dbo].[bDollar] NOT NULL,
[RecvdNotInvcdCost] [dbo].[bDollar] NOT NULL
)
GO
CREATE UNIQUE CLUSTERED INDEX [IX_bJCCP_JCCoJobPhase] ON [dbo].[bJCCP] ([JCCo], [Job], [Phase], [PhaseGroup], [CostType], [Mth])
GO
CREATE VIEW [dbo].[JCCP] AS SELECT a.* FROM dbo.bJCCP a
GO

CREATE TABLE [dbo].[bJCIP]
(
[JCCo] [dbo].[bCompany] NOT NULL,
[Contract] [dbo].[bContract] NOT NULL,
[Item] [dbo].[bContractItem] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[OrigContractAmt] [dbo].[bDollar] NOT NULL,
[OrigContractUnits] [dbo].[bUnits] NOT NULL,
[ContractAmt] [dbo].[bDollar] NOT NULL,
[ContractUnits] [dbo].[bUnits] NOT NULL,
[BilledUnits] [dbo].[bUnits] NOT NULL,
[BilledAmt] [dbo].[bDollar] NOT NULL,
[ReceivedAmt] [dbo].[bDollar] NOT NULL,
[CurrentRetainAmt] [dbo].[bDollar] NOT NULL,
[BilledTax] [dbo].[bDollar] NULL,
[ProjUnits] [dbo].[bUnits] NOT NULL,
[ProjDollars] [dbo].[bDollar] NOT NULL
)
GO
CREATE UNIQUE CLUSTERED INDEX [biJCIP] ON [dbo].[bJCIP] ([JCCo], [Contract], [Item], [Mth])
GO
CREATE VIEW [dbo].[JCIP] AS SELECT a.* FROM dbo.bJCIP a
GO

CREATE TABLE [dbo].[bJCCT]
(
[PhaseGroup] [tinyint] NOT NULL,
[CostType] [dbo].[bJCCType] NOT NULL,
[Description] [dbo].[bDesc] NULL,
[Abbreviation] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[TrackHours] [dbo].[bYN] NULL,
[LinkProgress] [dbo].[bJCCType] NULL,
[JBCostTypeCategory] [char] (1) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biJCCT] ON [dbo].[bJCCT] ([PhaseGroup], [CostType])
GO
CREATE VIEW [dbo].[JCCT] AS SELECT a.* FROM dbo.bJCCT a
GO

CREATE TABLE [dbo].[bJCPM]
(
[PhaseGroup] [tinyint] NOT NULL,
[Phase] [dbo].[bPhase] NOT NULL,
[Description] [dbo].[bItemDesc] NULL,
[ProjMinPct] [dbo].[bPct] NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biJCPM] ON [dbo].[bJCPM] ([PhaseGroup], [Phase])
GO
CREATE VIEW [dbo].[JCPM] AS SELECT a.* FROM dbo.bJCPM a
GO

CREATE TABLE [dbo].[bJCOH]
(
[JCCo] [dbo].[bCompany] NOT NULL,
[Job] [dbo].[bJob] NOT NULL,
[ACO] [dbo].[bACO] NOT NULL,
[ACOSequence] [smallint] NULL,
[Contract] [dbo].[bContract] NOT NULL,
[Description] [dbo].[bItemDesc] NULL,
[ApprovedBy] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[ApprovalDate] [dbo].[bDate] NOT NULL,
[ChangeDays] [smallint] NULL,
[NewCmplDate] [dbo].[bDate] NULL,
[BillGroup] [dbo].[bBillingGroup] NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[IntExt] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biJCOH] ON [dbo].[bJCOH] ([JCCo], [Job], [ACO])
GO
CREATE VIEW [dbo].[JCOH] AS SELECT a.* FROM dbo.bJCOH a
GO

CREATE TABLE [dbo].[bJCOI]
(
[JCCo] [dbo].[bCompany] NOT NULL,
[Job] [dbo].[bJob] NOT NULL,
[ACO] [dbo].[bACO] NOT NULL,
[ACOItem] [dbo].[bACOItem] NOT NULL,
[Contract] [dbo].[bContract] NOT NULL,
[Item] [dbo].[bContractItem] NOT NULL,
[Description] [dbo].[bItemDesc] NULL,
[ApprovedMonth] [dbo].[bMonth] NOT NULL,
[ContractUnits] [dbo].[bUnits] NOT NULL,
[ContUnitPrice] [dbo].[bUnitCost] NOT NULL,
[ContractAmt] [dbo].[bDollar] NOT NULL,
[BillGroup] [dbo].[bBillingGroup] NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[ChangeDays] [smallint] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biJCOI] ON [dbo].[bJCOI] ([JCCo], [Job], [ACO], [ACOItem])
GO
CREATE VIEW [dbo].[JCOI] AS SELECT a.* FROM dbo.bJCOI a
GO

CREATE TABLE [dbo].[bJCID]
(
[JCCo] [dbo].[bCompany] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[ItemTrans] [dbo].[bTrans] NOT NULL,
[Contract] [dbo].[bContract] NOT NULL,
[Item] [dbo].[bContractItem] NOT NULL,
[JCTransType] [varchar] (2) COLLATE Latin1_General_BIN NOT NULL,
[TransSource] [varchar] (10) COLLATE Latin1_General_BIN NOT NULL,
[Description] [dbo].[bTransDesc] NULL,
[PostedDate] [smalldatetime] NOT NULL,
[ActualDate] [smalldatetime] NOT NULL,
[ContractAmt] [dbo].[bDollar] NOT NULL,
[ContractUnits] [dbo].[bUnits] NOT NULL,
[UnitPrice] [dbo].[bUnitCost] NOT NULL,
[BilledUnits] [dbo].[bUnits] NOT NULL,
[BilledAmt] [dbo].[bDollar] NOT NULL,
[ReceivedAmt] [dbo].[bDollar] NOT NULL,
[CurrentRetainAmt] [dbo].[bDollar] NOT NULL,
[BatchId] [dbo].[bBatchID] NULL,
[ACO] [dbo].[bACO] NULL,
[ACOItem] [dbo].[bACOItem] NULL,
[GLCo] [dbo].[bCompany] NULL,
[GLTransAcct] [dbo].[bGLAcct] NULL,
[ARCo] [dbo].[bCompany] NULL,
[ARTrans] [int] NULL,
[ARInvoice] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[BilledTax] [dbo].[bDollar] NULL,
[ProjUnits] [dbo].[bUnits] NOT NULL,
[ProjDollars] [dbo].[bDollar] NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
ALTER TABLE [dbo].[bJCID] ADD CONSTRAINT [biJCID] PRIMARY KEY CLUSTERED ([JCCo], [Mth], [ItemTrans])
GO
CREATE VIEW [dbo].[JCID] AS SELECT a.* FROM dbo.bJCID a
GO

CREATE TABLE [dbo].[bJCDM]
(
[JCCo] [dbo].[bCompany] NOT NULL,
[Department] [dbo].[bDept] NOT NULL,
[Description] [dbo].[bDesc] NULL,
[GLCo] [dbo].[bCompany] NOT NULL,
[OpenRevAcct] [dbo].[bGLAcct] NULL,
[ClosedRevAcct] [dbo].[bGLAcct] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biJCDM] ON [dbo].[bJCDM] ([JCCo], [Department])
GO
CREATE VIEW [dbo].[JCDM] AS SELECT a.* FROM dbo.bJCDM a
GO

-- ============================================================================
-- JB: Job Billing
-- ============================================================================
CREATE TABLE [dbo].[bJBCO]
(
[JBCo] [dbo].[bCompany] NOT NULL,
[AutoSeqInvYN] [dbo].[bYN] NOT NULL,
[InvoiceOpt] [char] (1) COLLATE Latin1_General_BIN NULL,
[LastInvoice] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[JBTemplate] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biJBCO] ON [dbo].[bJBCO] ([JBCo])
GO
CREATE VIEW [dbo].[JBCO] AS SELECT a.* FROM dbo.bJBCO a
GO

CREATE TABLE [dbo].[bJBIN]
(
[JBCo] [dbo].[bCompany] NULL,
[BillMonth] [dbo].[bMonth] NOT NULL,
[BillNumber] [int] NOT NULL,
[Invoice] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[Contract] [dbo].[bContract] NULL,
[CustGroup] [dbo].[bGroup] NOT NULL,
[Customer] [dbo].[bCustomer] NOT NULL,
[InvStatus] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[Application] [smallint] NULL,
[ProcessGroup] [varchar] (20) COLLATE Latin1_General_BIN NULL,
[BillGroup] [dbo].[bBillingGroup] NULL,
[RecType] [tinyint] NOT NULL,
[DueDate] [dbo].[bDate] NOT NULL,
[InvDate] [dbo].[bDate] NOT NULL,
[PayTerms] [dbo].[bPayTerms] NULL,
[FromDate] [dbo].[bDate] NULL,
[ToDate] [dbo].[bDate] NULL,
[ARTrans] [dbo].[bTrans] NULL,
[InvTotal] [dbo].[bDollar] NOT NULL,
[InvRetg] [dbo].[bDollar] NOT NULL,
[RetgRel] [dbo].[bDollar] NOT NULL,
[InvDisc] [dbo].[bDollar] NOT NULL,
[InvTax] [dbo].[bDollar] NOT NULL,
[InvDue] [dbo].[bDollar] NOT NULL,
[PrevAmt] [dbo].[bDollar] NOT NULL,
[PrevDue] [dbo].[bDollar] NOT NULL,
[CurrContract] [dbo].[bDollar] NOT NULL,
[ChgOrderAmt] [dbo].[bDollar] NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[BillType] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[Template] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[InvDescription] [dbo].[bDesc] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biJBIN] ON [dbo].[bJBIN] ([JBCo], [BillMonth], [BillNumber])
GO
ALTER TABLE [dbo].[bJBIN] ADD CONSTRAINT [PK_bJBIN] PRIMARY KEY NONCLUSTERED ([KeyID])
GO
CREATE VIEW [dbo].[JBIN] AS SELECT a.* FROM dbo.bJBIN a
GO

CREATE TABLE [dbo].[bJBIT]
(
[JBCo] [dbo].[bCompany] NOT NULL,
[BillMonth] [dbo].[bMonth] NOT NULL,
[BillNumber] [int] NOT NULL,
[Item] [dbo].[bContractItem] NOT NULL,
[Description] [dbo].[bItemDesc] NULL,
[UnitsBilled] [dbo].[bUnits] NOT NULL,
[AmtBilled] [dbo].[bDollar] NOT NULL,
[RetgBilled] [dbo].[bDollar] NOT NULL,
[RetgRel] [dbo].[bDollar] NOT NULL,
[Discount] [dbo].[bDollar] NOT NULL,
[TaxAmount] [dbo].[bDollar] NOT NULL,
[AmountDue] [dbo].[bDollar] NOT NULL,
[PrevUnits] [dbo].[bUnits] NOT NULL,
[PrevAmt] [dbo].[bDollar] NOT NULL,
[PrevRetg] [dbo].[bDollar] NOT NULL,
[PrevDue] [dbo].[bDollar] NOT NULL,
[ARLine] [smallint] NULL,
[TaxGroup] [dbo].[bGroup] NULL,
[TaxCode] [dbo].[bTaxCode] NULL,
[CurrContract] [dbo].[bDollar] NOT NULL,
[ContractUnits] [dbo].[bUnits] NOT NULL,
[WC] [dbo].[bDollar] NOT NULL,
[WCUnits] [dbo].[bUnits] NOT NULL,
[SM] [dbo].[bDollar] NOT NULL,
[SMRetg] [dbo].[bDollar] NOT NULL,
[WCRetg] [dbo].[bDollar] NOT NULL,
[BillGroup] [dbo].[bBillingGroup] NULL,
[Contract] [dbo].[bContract] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biJBIT] ON [dbo].[bJBIT] ([JBCo], [BillMonth], [BillNumber], [Item])
GO
CREATE VIEW [dbo].[JBIT] AS SELECT a.* FROM dbo.bJBIT a
GO

CREATE TABLE [dbo].[bJBIL]
(
[JBCo] [dbo].[bCompany] NOT NULL,
[BillMonth] [dbo].[bMonth] NOT NULL,
[BillNumber] [int] NOT NULL,
[Line] [int] NOT NULL,
[Item] [dbo].[bContractItem] NULL,
[Contract] [dbo].[bContract] NULL,
[Job] [dbo].[bJob] NULL,
[PhaseGroup] [dbo].[bGroup] NULL,
[Phase] [dbo].[bPhase] NULL,
[Date] [dbo].[bDate] NULL,
[Template] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[TemplateSeq] [int] NULL,
[LineType] [char] (1) COLLATE Latin1_General_BIN NULL,
[Description] [varchar] (128) COLLATE Latin1_General_BIN NULL,
[TaxGroup] [dbo].[bGroup] NULL,
[TaxCode] [dbo].[bTaxCode] NULL,
[MarkupOpt] [char] (1) COLLATE Latin1_General_BIN NULL,
[MarkupRate] [numeric] (17, 6) NOT NULL,
[Basis] [dbo].[bDollar] NOT NULL,
[MarkupTotal] [dbo].[bDollar] NOT NULL,
[Total] [dbo].[bDollar] NOT NULL,
[Retainage] [dbo].[bDollar] NOT NULL,
[Discount] [dbo].[bDollar] NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biJBIL] ON [dbo].[bJBIL] ([JBCo], [BillMonth], [BillNumber], [Line])
GO
CREATE VIEW [dbo].[JBIL] AS SELECT a.* FROM dbo.bJBIL a
GO

-- ============================================================================
-- PR: Payroll
-- ============================================================================
CREATE TABLE [dbo].[bPRCO]
(
[PRCo] [dbo].[bCompany] NOT NULL,
[GLCo] [dbo].[bCompany] NOT NULL,
[Jrnl] [dbo].[bJrnl] NULL,
[GLInterface] [dbo].[bYN] NOT NULL,
[CMCo] [dbo].[bCompany] NOT NULL,
[APCo] [dbo].[bCompany] NULL,
[AutoOT] [dbo].[bYN] NOT NULL,
[OTEarnCode] [dbo].[bEDLCode] NULL,
[JCCo] [dbo].[bCompany] NOT NULL,
[JCInterface] [dbo].[bYN] NOT NULL,
[EMCo] [dbo].[bCompany] NULL,
[EMInterface] [dbo].[bYN] NOT NULL,
[OfficeState] [varchar] (4) COLLATE Latin1_General_BIN NULL,
[OfficeLocal] [dbo].[bLocalCode] NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[CrewRegEC] [dbo].[bEDLCode] NULL,
[CrewOTEC] [dbo].[bEDLCode] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1),
[SMCo] [dbo].[bCompany] NULL
)
GO
CREATE UNIQUE CLUSTERED INDEX [biPRCO] ON [dbo].[bPRCO] ([PRCo])
GO
CREATE VIEW [dbo].[PRCO] AS SELECT a.* FROM dbo.bPRCO a
GO

CREATE TABLE [dbo].[bPREH]
(
[PRCo] [dbo].[bCompany] NOT NULL,
[Employee] [dbo].[bEmployee] NOT NULL,
[LastName] [varchar] (30) COLLATE Latin1_General_BIN NOT NULL,
[FirstName] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[MidName] [varchar] (15) COLLATE Latin1_General_BIN NULL,
[SortName] [dbo].[bSortName] NOT NULL,
[Address] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[City] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[State] [varchar] (4) COLLATE Latin1_General_BIN NULL,
[Zip] [dbo].[bZip] NULL,
[Phone] [dbo].[bPhone] NULL,
[SSN] [char] (11) COLLATE Latin1_General_BIN NOT NULL,
[Race] [char] (2) COLLATE Latin1_General_BIN NOT NULL,
[Sex] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[BirthDate] [smalldatetime] NULL,
[HireDate] [dbo].[bDate] NULL,
[TermDate] [dbo].[bDate] NULL,
[PRGroup] [dbo].[bGroup] NOT NULL,
[PRDept] [dbo].[bDept] NOT NULL,
[Craft] [dbo].[bCraft] NULL,
[Class] [dbo].[bClass] NULL,
[InsCode] [dbo].[bInsCode] NOT NULL,
[TaxState] [varchar] (4) COLLATE Latin1_General_BIN NULL,
[UnempState] [varchar] (4) COLLATE Latin1_General_BIN NOT NULL,
[InsState] [varchar] (4) COLLATE Latin1_General_BIN NOT NULL,
[LocalCode] [dbo].[bLocalCode] NULL,
[GLCo] [dbo].[bCompany] NULL,
[JCCo] [dbo].[bCompany] NULL,
[Job] [dbo].[bJob] NULL,
[Crew] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[EarnCode] [dbo].[bEDLCode] NOT NULL,
[HrlyRate] [dbo].[bUnitCost] NOT NULL,
[SalaryAmt] [dbo].[bDollar] NOT NULL,
[OTSched] [tinyint] NULL,
[ActiveYN] [dbo].[bYN] NOT NULL,
[CertYN] [dbo].[bYN] NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[Email] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biPREH] ON [dbo].[bPREH] ([PRCo], [Employee])
GO
CREATE VIEW [dbo].[PREH] AS
SELECT a.* FROM dbo.bPREH a
WHERE suser_sname() = 'viewpointcs' OR suser_sname() = 'VCSPortal'
   OR EXISTS (SELECT TOP 1 1 FROM dbo.vDDDU c WITH (NOLOCK)
              WHERE a.PRCo = c.Qualifier AND a.Employee = c.Employee
                AND c.Datatype = 'bEmployee' AND c.VPUserName = suser_sname())
GO

CREATE TABLE [dbo].[bPRTH]
(
[PRCo] [dbo].[bCompany] NOT NULL,
[PRGroup] [dbo].[bGroup] NOT NULL,
[PREndDate] [dbo].[bDate] NOT NULL,
[Employee] [dbo].[bEmployee] NOT NULL,
[PaySeq] [tinyint] NOT NULL,
[PostSeq] [smallint] NOT NULL,
[Type] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[PostDate] [dbo].[bDate] NOT NULL,
[JCCo] [dbo].[bCompany] NULL,
[Job] [dbo].[bJob] NULL,
[PhaseGroup] [dbo].[bGroup] NULL,
[Phase] [dbo].[bPhase] NULL,
[JCDept] [dbo].[bDept] NULL,
[GLCo] [dbo].[bCompany] NOT NULL,
[EMCo] [dbo].[bCompany] NULL,
[Equipment] [dbo].[bEquip] NULL,
[EMGroup] [tinyint] NULL,
[CostCode] [dbo].[bCostCode] NULL,
[TaxState] [varchar] (4) COLLATE Latin1_General_BIN NULL,
[InsCode] [dbo].[bInsCode] NULL,
[PRDept] [dbo].[bDept] NOT NULL,
[Crew] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[Craft] [dbo].[bCraft] NULL,
[Class] [dbo].[bClass] NULL,
[EarnCode] [dbo].[bEDLCode] NOT NULL,
[Shift] [tinyint] NOT NULL,
[Hours] [dbo].[bHrs] NOT NULL,
[Rate] [dbo].[bUnitCost] NOT NULL,
[Amt] [dbo].[bDollar] NOT NULL,
[BatchId] [dbo].[bBatchID] NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biPRTH] ON [dbo].[bPRTH] ([PRCo], [PRGroup], [PREndDate], [Employee], [PaySeq], [PostSeq])
GO
CREATE VIEW [dbo].[PRTH] AS
SELECT a.* FROM dbo.bPRTH a
WHERE suser_sname() = 'viewpointcs' OR suser_sname() = 'VCSPortal'
   OR EXISTS (SELECT TOP 1 1 FROM dbo.vDDDU c WITH (NOLOCK)
              WHERE a.PRCo = c.Qualifier AND a.Employee = c.Employee
                AND c.Datatype = 'bEmployee' AND c.VPUserName = suser_sname())
GO

CREATE TABLE [dbo].[bPRDT]
(
[PRCo] [dbo].[bCompany] NOT NULL,
[PRGroup] [dbo].[bGroup] NOT NULL,
[PREndDate] [dbo].[bDate] NOT NULL,
[Employee] [dbo].[bEmployee] NOT NULL,
[PaySeq] [tinyint] NOT NULL,
[EDLType] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[EDLCode] [dbo].[bEDLCode] NOT NULL,
[Hours] [dbo].[bHrs] NOT NULL,
[Amount] [dbo].[bDollar] NOT NULL,
[SubjectAmt] [dbo].[bDollar] NOT NULL,
[EligibleAmt] [dbo].[bDollar] NOT NULL,
[UseOver] [dbo].[bYN] NOT NULL,
[OverAmt] [dbo].[bDollar] NOT NULL,
[VendorGroup] [dbo].[bGroup] NULL,
[Vendor] [dbo].[bVendor] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biPRDT] ON [dbo].[bPRDT] ([PRCo], [PRGroup], [PREndDate], [Employee], [PaySeq], [EDLType], [EDLCode])
GO
CREATE VIEW [dbo].[PRDT] AS
SELECT a.* FROM dbo.bPRDT a
WHERE suser_sname() = 'viewpointcs' OR suser_sname() = 'VCSPortal'
   OR EXISTS (SELECT TOP 1 1 FROM dbo.vDDDU c WITH (NOLOCK)
              WHERE a.PRCo = c.Qualifier AND a.Employee = c.Employee
                AND c.Datatype = 'bEmployee' AND c.VPUserName = suser_sname())
GO

CREATE TABLE [dbo].[bPRSQ]
(
[PRCo] [dbo].[bCompany] NOT NULL,
[PRGroup] [dbo].[bGroup] NOT NULL,
[PREndDate] [dbo].[bDate] NOT NULL,
[Employee] [dbo].[bEmployee] NOT NULL,
[PaySeq] [tinyint] NOT NULL,
[CMCo] [dbo].[bCompany] NOT NULL,
[CMAcct] [dbo].[bCMAcct] NOT NULL,
[PayMethod] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[CMRef] [dbo].[bCMRef] NULL,
[CMRefSeq] [tinyint] NULL,
[EFTSeq] [smallint] NULL,
[ChkType] [char] (1) COLLATE Latin1_General_BIN NULL,
[PaidDate] [dbo].[bDate] NULL,
[PaidMth] [dbo].[bMonth] NULL,
[Hours] [dbo].[bHrs] NOT NULL,
[Earnings] [dbo].[bDollar] NOT NULL,
[Dedns] [dbo].[bDollar] NOT NULL,
[Processed] [dbo].[bYN] NOT NULL,
[ChkSort] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biPRSQ] ON [dbo].[bPRSQ] ([PRCo], [PRGroup], [PREndDate], [Employee], [PaySeq])
GO
ALTER TABLE [dbo].[bPRSQ] ADD CONSTRAINT [PK_bPRSQ] PRIMARY KEY NONCLUSTERED ([KeyID])
GO
CREATE VIEW [dbo].[PRSQ] AS
SELECT a.* FROM dbo.bPRSQ a
WHERE suser_sname() = 'viewpointcs' OR suser_sname() = 'VCSPortal'
   OR EXISTS (SELECT TOP 1 1 FROM dbo.vDDDU c WITH (NOLOCK)
              WHERE a.PRCo = c.Qualifier AND a.Employee = c.Employee
                AND c.Datatype = 'bEmployee' AND c.VPUserName = suser_sname())
GO

CREATE TABLE [dbo].[bPRGR]
(
[PRCo] [dbo].[bCompany] NOT NULL,
[PRGroup] [dbo].[bGroup] NOT NULL,
[Description] [dbo].[bDesc] NULL,
[PayFreq] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[GLCo] [dbo].[bCompany] NOT NULL,
[GLAcct] [dbo].[bGLAcct] NOT NULL,
[CMCo] [dbo].[bCompany] NOT NULL,
[CMAcct] [dbo].[bCMAcct] NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biPRGR] ON [dbo].[bPRGR] ([PRCo], [PRGroup])
GO
CREATE VIEW [dbo].[PRGR] AS SELECT a.* FROM dbo.bPRGR a
GO

CREATE TABLE [dbo].[bPREC]
(
[PRCo] [dbo].[bCompany] NOT NULL,
[EarnCode] [dbo].[bEDLCode] NOT NULL,
[Description] [dbo].[bDesc] NULL,
[Method] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[Factor] [dbo].[bRate] NOT NULL,
[SubjToAddOns] [dbo].[bYN] NOT NULL,
[CertRpt] [dbo].[bYN] NOT NULL,
[TrueEarns] [dbo].[bYN] NOT NULL,
[OTCalcs] [dbo].[bYN] NOT NULL,
[EarnType] [dbo].[bEarnType] NOT NULL,
[JCCostType] [dbo].[bJCCType] NOT NULL,
[GLCo] [dbo].[bCompany] NULL,
[GLAcct] [dbo].[bGLAcct] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biPREC] ON [dbo].[bPREC] ([PRCo], [EarnCode])
GO
CREATE VIEW [dbo].[PREC] AS SELECT a.* FROM dbo.bPREC a
GO

CREATE TABLE [dbo].[bPRDL]
(
[PRCo] [dbo].[bCompany] NOT NULL,
[DLCode] [dbo].[bEDLCode] NOT NULL,
[Description] [dbo].[bDesc] NULL,
[DLType] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[LiabType] [dbo].[bLiabilityType] NULL,
[Method] [varchar] (10) COLLATE Latin1_General_BIN NOT NULL,
[Routine] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[RateAmt1] [dbo].[bUnitCost] NOT NULL,
[RateAmt2] [dbo].[bUnitCost] NOT NULL,
[LimitBasis] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[LimitAmt] [dbo].[bDollar] NOT NULL,
[LimitPeriod] [char] (1) COLLATE Latin1_General_BIN NULL,
[AutoAP] [dbo].[bYN] NOT NULL,
[VendorGroup] [dbo].[bGroup] NULL,
[Vendor] [dbo].[bVendor] NULL,
[GLCo] [dbo].[bCompany] NOT NULL,
[GLAcct] [dbo].[bGLAcct] NOT NULL,
[CalcCategory] [varchar] (1) COLLATE Latin1_General_BIN NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1),
[PreTax] [dbo].[bYN] NOT NULL
)
GO
CREATE UNIQUE CLUSTERED INDEX [biPRDL] ON [dbo].[bPRDL] ([PRCo], [DLCode])
GO
CREATE VIEW [dbo].[PRDL] AS SELECT a.* FROM dbo.bPRDL a
GO

CREATE TABLE [dbo].[bPRCM]
(
[PRCo] [dbo].[bCompany] NOT NULL,
[Craft] [dbo].[bCraft] NOT NULL,
[Description] [dbo].[bDesc] NULL,
[Address] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[City] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[State] [varchar] (4) COLLATE Latin1_General_BIN NULL,
[Zip] [dbo].[bZip] NULL,
[EffectiveDate] [dbo].[bDate] NOT NULL,
[VendorGroup] [dbo].[bGroup] NULL,
[Vendor] [dbo].[bVendor] NULL,
[OTSched] [tinyint] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biPRCM] ON [dbo].[bPRCM] ([PRCo], [Craft])
GO
CREATE VIEW [dbo].[PRCM] AS SELECT a.* FROM dbo.bPRCM a
GO

CREATE TABLE [dbo].[bPRPC]
(
[PRCo] [dbo].[bCompany] NOT NULL,
[PRGroup] [dbo].[bGroup] NOT NULL,
[PREndDate] [dbo].[bDate] NOT NULL,
[BeginDate] [dbo].[bDate] NOT NULL,
[MultiMth] [dbo].[bYN] NOT NULL,
[BeginMth] [dbo].[bMonth] NOT NULL,
[EndMth] [dbo].[bMonth] NULL,
[CutoffDate] [dbo].[bDate] NULL,
[Hrs] [smallint] NOT NULL,
[Days] [tinyint] NOT NULL,
[Wks] [tinyint] NOT NULL,
[Status] [tinyint] NOT NULL,
[DateClosed] [smalldatetime] NULL,
[JCInterface] [dbo].[bYN] NOT NULL,
[EMInterface] [dbo].[bYN] NOT NULL,
[GLInterface] [dbo].[bYN] NOT NULL,
[APInterface] [dbo].[bYN] NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biPRPC] ON [dbo].[bPRPC] ([PRCo], [PRGroup], [PREndDate])
GO
CREATE VIEW [dbo].[PRPC] AS SELECT a.* FROM dbo.bPRPC a
GO

CREATE TABLE [dbo].[bPREA]
(
[PRCo] [dbo].[bCompany] NOT NULL,
[Employee] [dbo].[bEmployee] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[EDLType] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[EDLCode] [dbo].[bEDLCode] NOT NULL,
[Hours] [dbo].[bHrs] NOT NULL,
[Amount] [dbo].[bDollar] NOT NULL,
[SubjectAmt] [dbo].[bDollar] NOT NULL,
[EligibleAmt] [dbo].[bDollar] NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biPREA] ON [dbo].[bPREA] ([PRCo], [Employee], [Mth], [EDLType], [EDLCode])
GO
CREATE VIEW [dbo].[PREA] AS
SELECT a.* FROM dbo.bPREA a
WHERE suser_sname() = 'viewpointcs' OR suser_sname() = 'VCSPortal'
   OR EXISTS (SELECT TOP 1 1 FROM dbo.vDDDU c WITH (NOLOCK)
              WHERE a.PRCo = c.Qualifier AND a.Employee = c.Employee
                AND c.Datatype = 'bEmployee' AND c.VPUserName = suser_sname())
GO

-- ============================================================================
-- PO: Purchase Orders
-- ============================================================================
CREATE TABLE [dbo].[bPOCO]
(
[POCo] [dbo].[bCompany] NOT NULL,
[AutoPO] [dbo].[bYN] NOT NULL,
[LastPO] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[CmtdDetailToJC] [dbo].[bYN] NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[ReceiptUpdate] [dbo].[bYN] NOT NULL,
[GLAccrualAcct] [dbo].[bGLAcct] NULL,
[PayTypeYN] [dbo].[bYN] NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biPOCO] ON [dbo].[bPOCO] ([POCo])
GO
CREATE VIEW [dbo].[POCO] AS SELECT a.* FROM dbo.bPOCO a
GO

CREATE TABLE [dbo].[bPOHD]
(
[POCo] [dbo].[bCompany] NOT NULL,
[PO] [varchar] (30) COLLATE Latin1_General_BIN NOT NULL,
[VendorGroup] [dbo].[bGroup] NOT NULL,
[Vendor] [dbo].[bVendor] NOT NULL,
[Description] [dbo].[bItemDesc] NULL,
[OrderDate] [dbo].[bDate] NULL,
[OrderedBy] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[ExpDate] [dbo].[bDate] NULL,
[Status] [tinyint] NOT NULL,
[JCCo] [dbo].[bCompany] NULL,
[Job] [dbo].[bJob] NULL,
[INCo] [dbo].[bCompany] NULL,
[Loc] [dbo].[bLoc] NULL,
[ShipLoc] [dbo].[bShipLoc] NULL,
[Address] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[City] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[State] [varchar] (4) COLLATE Latin1_General_BIN NULL,
[Zip] [dbo].[bZip] NULL,
[ShipIns] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[HoldCode] [dbo].[bHoldCode] NULL,
[PayTerms] [dbo].[bPayTerms] NULL,
[CompGroup] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[MthClosed] [dbo].[bMonth] NULL,
[Approved] [dbo].[bYN] NULL,
[ApprovedBy] [dbo].[bVPUserName] NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[AddedMth] [dbo].[bMonth] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biPOHD] ON [dbo].[bPOHD] ([POCo], [PO])
GO
CREATE VIEW [dbo].[POHD] AS SELECT a.* FROM dbo.bPOHD a
GO

CREATE TABLE [dbo].[bPOIT]
(
[POCo] [dbo].[bCompany] NOT NULL,
[PO] [varchar] (30) COLLATE Latin1_General_BIN NOT NULL,
[POItem] [dbo].[bItem] NOT NULL,
[ItemType] [tinyint] NOT NULL,
[MatlGroup] [dbo].[bGroup] NOT NULL,
[Material] [dbo].[bMatl] NULL,
[Description] [dbo].[bItemDesc] NULL,
[UM] [dbo].[bUM] NOT NULL,
[RecvYN] [dbo].[bYN] NOT NULL,
[PostToCo] [dbo].[bCompany] NOT NULL,
[Loc] [dbo].[bLoc] NULL,
[Job] [dbo].[bJob] NULL,
[PhaseGroup] [dbo].[bGroup] NULL,
[Phase] [dbo].[bPhase] NULL,
[JCCType] [dbo].[bJCCType] NULL,
[Equip] [dbo].[bEquip] NULL,
[EMGroup] [dbo].[bGroup] NULL,
[CostCode] [dbo].[bCostCode] NULL,
[WO] [dbo].[bWO] NULL,
[WOItem] [dbo].[bItem] NULL,
[GLCo] [dbo].[bCompany] NOT NULL,
[GLAcct] [dbo].[bGLAcct] NOT NULL,
[ReqDate] [dbo].[bDate] NULL,
[TaxGroup] [dbo].[bGroup] NULL,
[TaxCode] [dbo].[bTaxCode] NULL,
[OrigUnits] [dbo].[bUnits] NOT NULL,
[OrigUnitCost] [dbo].[bUnitCost] NOT NULL,
[OrigCost] [dbo].[bDollar] NOT NULL,
[CurUnits] [dbo].[bUnits] NOT NULL,
[CurUnitCost] [dbo].[bUnitCost] NOT NULL,
[CurCost] [dbo].[bDollar] NOT NULL,
[RecvdUnits] [dbo].[bUnits] NOT NULL,
[RecvdCost] [dbo].[bDollar] NOT NULL,
[TotalUnits] [dbo].[bUnits] NOT NULL,
[TotalCost] [dbo].[bDollar] NOT NULL,
[InvUnits] [dbo].[bUnits] NOT NULL,
[InvCost] [dbo].[bDollar] NOT NULL,
[RemUnits] [dbo].[bUnits] NOT NULL,
[RemCost] [dbo].[bDollar] NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1),
[INCo] [dbo].[bCompany] NULL,
[EMCo] [dbo].[bCompany] NULL,
[JCCo] [dbo].[bCompany] NULL,
[SMCo] [dbo].[bCompany] NULL,
[SMWorkOrder] [int] NULL
)
GO
CREATE UNIQUE CLUSTERED INDEX [biPOIT] ON [dbo].[bPOIT] ([POCo], [PO], [POItem])
GO
CREATE VIEW [dbo].[POIT] AS SELECT a.* FROM dbo.bPOIT a
GO

CREATE TABLE [dbo].[bPORD]
(
[POCo] [dbo].[bCompany] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[POTrans] [dbo].[bTrans] NOT NULL,
[PO] [varchar] (30) COLLATE Latin1_General_BIN NOT NULL,
[POItem] [dbo].[bItem] NOT NULL,
[RecvdDate] [dbo].[bDate] NOT NULL,
[RecvdBy] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[Description] [dbo].[bDesc] NULL,
[RecvdUnits] [dbo].[bUnits] NOT NULL,
[RecvdCost] [dbo].[bDollar] NOT NULL,
[BOUnits] [dbo].[bUnits] NOT NULL,
[BOCost] [dbo].[bDollar] NOT NULL,
[PostedDate] [dbo].[bDate] NOT NULL,
[BatchId] [dbo].[bBatchID] NOT NULL,
[Receiver#] [varchar] (20) COLLATE Latin1_General_BIN NULL,
[InvdFlag] [dbo].[bYN] NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1),
[APTrans] [dbo].[bTrans] NULL,
[APLine] [int] NULL,
[APMth] [dbo].[bMonth] NULL
)
GO
CREATE UNIQUE CLUSTERED INDEX [biPORD] ON [dbo].[bPORD] ([POCo], [PO], [POItem], [Mth], [POTrans])
GO
CREATE VIEW [dbo].[PORD] AS SELECT a.* FROM dbo.bPORD a
GO

-- ============================================================================
-- SL: Subcontracts
-- ============================================================================
CREATE TABLE [dbo].[bSLCO]
(
[SLCo] [dbo].[bCompany] NOT NULL,
[CmtdDetailToJC] [dbo].[bYN] NOT NULL,
[AuditSLs] [dbo].[bYN] NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biSLCO] ON [dbo].[bSLCO] ([SLCo])
GO
CREATE VIEW [dbo].[SLCO] AS SELECT a.* FROM dbo.bSLCO a
GO

CREATE TABLE [dbo].[bSLHD]
(
[SLCo] [dbo].[bCompany] NOT NULL,
[SL] [varchar] (30) COLLATE Latin1_General_BIN NOT NULL,
[JCCo] [dbo].[bCompany] NOT NULL,
[Job] [dbo].[bJob] NOT NULL,
[Description] [dbo].[bItemDesc] NULL,
[VendorGroup] [dbo].[bGroup] NOT NULL,
[Vendor] [dbo].[bVendor] NOT NULL,
[HoldCode] [dbo].[bHoldCode] NULL,
[PayTerms] [dbo].[bPayTerms] NULL,
[CompGroup] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[Status] [tinyint] NOT NULL,
[MthClosed] [dbo].[bMonth] NULL,
[Approved] [dbo].[bYN] NULL,
[ApprovedBy] [dbo].[bVPUserName] NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[AddedMth] [dbo].[bMonth] NULL,
[OrigDate] [dbo].[bDate] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1),
[MaxRetgOpt] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[MaxRetgPct] [dbo].[bPct] NOT NULL
)
GO
CREATE UNIQUE NONCLUSTERED INDEX [IX_bSLHD_SL] ON [dbo].[bSLHD] ([SLCo], [SL])
GO
CREATE UNIQUE NONCLUSTERED INDEX [biKeyID] ON [dbo].[bSLHD] ([KeyID])
GO
CREATE VIEW [dbo].[SLHD] AS SELECT a.* FROM dbo.bSLHD a
GO

CREATE TABLE [dbo].[bSLIT]
(
[SLCo] [dbo].[bCompany] NOT NULL,
[SL] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[SLItem] [dbo].[bItem] NOT NULL,
[ItemType] [tinyint] NOT NULL,
[Addon] [tinyint] NULL,
[AddonPct] [dbo].[bPct] NOT NULL,
[JCCo] [dbo].[bCompany] NOT NULL,
[Job] [dbo].[bJob] NOT NULL,
[PhaseGroup] [dbo].[bGroup] NOT NULL,
[Phase] [dbo].[bPhase] NOT NULL,
[JCCType] [dbo].[bJCCType] NOT NULL,
[Description] [dbo].[bItemDesc] NULL,
[UM] [dbo].[bUM] NOT NULL,
[GLCo] [dbo].[bCompany] NOT NULL,
[GLAcct] [dbo].[bGLAcct] NOT NULL,
[WCRetPct] [dbo].[bPct] NOT NULL,
[SMRetPct] [dbo].[bPct] NOT NULL,
[VendorGroup] [dbo].[bGroup] NOT NULL,
[Supplier] [dbo].[bVendor] NULL,
[OrigUnits] [dbo].[bUnits] NOT NULL,
[OrigUnitCost] [dbo].[bUnitCost] NOT NULL,
[OrigCost] [dbo].[bDollar] NOT NULL,
[CurUnits] [dbo].[bUnits] NOT NULL,
[CurUnitCost] [dbo].[bUnitCost] NOT NULL,
[CurCost] [dbo].[bDollar] NOT NULL,
[StoredMatls] [dbo].[bDollar] NOT NULL,
[InvUnits] [dbo].[bUnits] NOT NULL,
[InvCost] [dbo].[bDollar] NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1),
[TaxType] [tinyint] NULL,
[TaxCode] [dbo].[bTaxCode] NULL,
[TaxGroup] [dbo].[bGroup] NULL,
[OrigTax] [dbo].[bDollar] NOT NULL,
[CurTax] [dbo].[bDollar] NOT NULL,
[InvTax] [dbo].[bDollar] NOT NULL
)
GO
CREATE UNIQUE CLUSTERED INDEX [biSLIT] ON [dbo].[bSLIT] ([SLCo], [SL], [SLItem])
GO
CREATE VIEW [dbo].[SLIT] AS SELECT a.* FROM dbo.bSLIT a
GO

-- ============================================================================
-- EM: Equipment Management
-- ============================================================================
CREATE TABLE [dbo].[bEMCO]
(
[EMCo] [dbo].[bCompany] NOT NULL,
[EMGroup] [tinyint] NOT NULL,
[INCo] [dbo].[bCompany] NULL,
[JCCo] [dbo].[bCompany] NULL,
[PRCo] [dbo].[bCompany] NULL,
[GLCo] [dbo].[bCompany] NOT NULL,
[HoursUM] [dbo].[bUM] NULL,
[LaborCT] [dbo].[bEMCType] NULL,
[PartsCT] [dbo].[bEMCType] NULL,
[FuelCostCode] [dbo].[bCostCode] NULL,
[FuelCostType] [dbo].[bEMCType] NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[WOAutoSeq] [dbo].[bYN] NOT NULL,
[LastWorkOrder] [dbo].[bWO] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biEMCO] ON [dbo].[bEMCO] ([EMCo])
GO
CREATE VIEW [dbo].[EMCO] AS SELECT a.* FROM dbo.bEMCO a
GO

CREATE TABLE [dbo].[bEMEM]
(
[EMCo] [dbo].[bCompany] NOT NULL,
[Equipment] [dbo].[bEquip] NOT NULL,
[Location] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[Type] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[Department] [dbo].[bDept] NULL,
[Category] [dbo].[bCat] NULL,
[Manufacturer] [varchar] (20) COLLATE Latin1_General_BIN NULL,
[Model] [varchar] (20) COLLATE Latin1_General_BIN NULL,
[ModelYr] [char] (6) COLLATE Latin1_General_BIN NULL,
[VINNumber] [varchar] (40) COLLATE Latin1_General_BIN NULL,
[Description] [dbo].[bItemDesc] NULL,
[Status] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[OdoReading] [dbo].[bHrs] NOT NULL,
[OdoDate] [dbo].[bDate] NULL,
[HourReading] [dbo].[bHrs] NOT NULL,
[HourDate] [dbo].[bDate] NULL,
[MatlGroup] [dbo].[bGroup] NULL,
[EMGroup] [dbo].[bGroup] NULL,
[JCCo] [dbo].[bCompany] NULL,
[Job] [dbo].[bJob] NULL,
[PhaseGrp] [dbo].[bGroup] NULL,
[LicensePlateNo] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[LicensePlateState] [varchar] (4) COLLATE Latin1_General_BIN NULL,
[PRCo] [dbo].[bCompany] NULL,
[Operator] [dbo].[bEmployee] NULL,
[Shop] [varchar] (20) COLLATE Latin1_General_BIN NULL,
[OwnershipStatus] [varchar] (20) COLLATE Latin1_General_BIN NULL,
[InServiceDate] [dbo].[bDate] NULL,
[SoldDate] [dbo].[bDate] NULL,
[SalePrice] [dbo].[bDollar] NOT NULL,
[PurchasePrice] [dbo].[bDollar] NOT NULL,
[PurchDate] [dbo].[bDate] NULL,
[RevenueCode] [dbo].[bRevCode] NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biEMEM] ON [dbo].[bEMEM] ([EMCo], [Equipment])
GO
CREATE VIEW [dbo].[EMEM] AS SELECT a.* FROM dbo.bEMEM a
GO

CREATE TABLE [dbo].[bEMCD]
(
[EMCo] [dbo].[bCompany] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[EMTrans] [dbo].[bTrans] NOT NULL,
[BatchId] [dbo].[bBatchID] NULL,
[EMGroup] [dbo].[bGroup] NOT NULL,
[Equipment] [dbo].[bEquip] NOT NULL,
[Component] [dbo].[bEquip] NULL,
[WorkOrder] [dbo].[bWO] NULL,
[WOItem] [dbo].[bItem] NULL,
[CostCode] [dbo].[bCostCode] NOT NULL,
[EMCostType] [dbo].[bEMCType] NOT NULL,
[PostedDate] [dbo].[bDate] NOT NULL,
[ActualDate] [dbo].[bDate] NOT NULL,
[Source] [dbo].[bSource] NULL,
[EMTransType] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[Description] [dbo].[bItemDesc] NULL,
[GLCo] [dbo].[bCompany] NULL,
[GLTransAcct] [dbo].[bGLAcct] NULL,
[PRCo] [dbo].[bCompany] NULL,
[PREmployee] [dbo].[bEmployee] NULL,
[APCo] [dbo].[bCompany] NULL,
[APTrans] [dbo].[bTrans] NULL,
[APLine] [int] NULL,
[VendorGrp] [dbo].[bGroup] NULL,
[APVendor] [dbo].[bVendor] NULL,
[APRef] [dbo].[bAPReference] NULL,
[MatlGroup] [dbo].[bGroup] NULL,
[INCo] [dbo].[bCompany] NULL,
[Material] [dbo].[bMatl] NULL,
[UM] [dbo].[bUM] NULL,
[Units] [dbo].[bUnits] NOT NULL,
[Dollars] [dbo].[bDollar] NOT NULL,
[UnitPrice] [dbo].[bUnitCost] NOT NULL,
[TotalCost] [dbo].[bDollar] NULL,
[CurrentHourMeter] [dbo].[bHrs] NOT NULL,
[PO] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[POItem] [dbo].[bItem] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biEMCD] ON [dbo].[bEMCD] ([EMCo], [Equipment], [Mth], [EMTrans])
GO
CREATE VIEW [dbo].[EMCD] AS SELECT a.* FROM dbo.bEMCD a
GO

CREATE TABLE [dbo].[bEMRD]
(
[EMCo] [dbo].[bCompany] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[Trans] [dbo].[bTrans] NOT NULL,
[BatchID] [dbo].[bBatchID] NOT NULL,
[EMGroup] [dbo].[bGroup] NOT NULL,
[Equipment] [dbo].[bEquip] NOT NULL,
[RevCode] [dbo].[bRevCode] NOT NULL,
[Source] [varchar] (10) COLLATE Latin1_General_BIN NOT NULL,
[TransType] [varchar] (10) COLLATE Latin1_General_BIN NOT NULL,
[PostDate] [dbo].[bDate] NOT NULL,
[ActualDate] [dbo].[bDate] NOT NULL,
[JCCo] [dbo].[bCompany] NULL,
[Job] [dbo].[bJob] NULL,
[PhaseGroup] [dbo].[bGroup] NULL,
[JCPhase] [dbo].[bPhase] NULL,
[JCCostType] [dbo].[bJCCType] NULL,
[PRCo] [dbo].[bCompany] NULL,
[Employee] [dbo].[bEmployee] NULL,
[GLCo] [dbo].[bCompany] NULL,
[RevGLAcct] [dbo].[bGLAcct] NULL,
[ExpGLCo] [dbo].[bCompany] NULL,
[ExpGLAcct] [dbo].[bGLAcct] NULL,
[Memo] [dbo].[bItemDesc] NULL,
[Category] [dbo].[bCat] NULL,
[UM] [dbo].[bUM] NULL,
[WorkUnits] [dbo].[bUnits] NOT NULL,
[TimeUM] [dbo].[bUM] NULL,
[TimeUnits] [dbo].[bUnits] NOT NULL,
[Dollars] [dbo].[bDollar] NOT NULL,
[RevRate] [dbo].[bDollar] NOT NULL,
[UsedOnEquipment] [dbo].[bEquip] NULL,
[WorkOrder] [dbo].[bWO] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biEMRD] ON [dbo].[bEMRD] ([EMCo], [Equipment], [Mth], [Trans])
GO
CREATE VIEW [dbo].[EMRD] AS SELECT a.* FROM dbo.bEMRD a
GO

CREATE TABLE [dbo].[bEMCT]
(
[EMGroup] [dbo].[bGroup] NOT NULL,
[CostType] [dbo].[bEMCType] NOT NULL,
[Description] [dbo].[bDesc] NULL,
[Abbreviation] [char] (10) COLLATE Latin1_General_BIN NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biEMCT] ON [dbo].[bEMCT] ([EMGroup], [CostType])
GO
CREATE VIEW [dbo].[EMCT] AS SELECT a.* FROM dbo.bEMCT a
GO

CREATE TABLE [dbo].[bEMRC]
(
[EMGroup] [dbo].[bGroup] NOT NULL,
[RevCode] [dbo].[bRevCode] NOT NULL,
[Description] [dbo].[bDesc] NULL,
[Basis] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[WorkUM] [dbo].[bUM] NULL,
[TimeUM] [dbo].[bUM] NULL,
[HrsPerTimeUM] [dbo].[bHrs] NOT NULL,
[UpdateHourMeter] [dbo].[bYN] NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biEMRC] ON [dbo].[bEMRC] ([EMGroup], [RevCode])
GO
CREATE VIEW [dbo].[EMRC] AS SELECT a.* FROM dbo.bEMRC a
GO

CREATE TABLE [dbo].[bEMDM]
(
[EMCo] [dbo].[bCompany] NOT NULL,
[Department] [dbo].[bDept] NOT NULL,
[Description] [dbo].[bDesc] NULL,
[GLCo] [dbo].[bCompany] NOT NULL,
[DepreciationAcct] [dbo].[bGLAcct] NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biEMDM] ON [dbo].[bEMDM] ([EMCo], [Department])
GO
CREATE VIEW [dbo].[EMDM] AS SELECT a.* FROM dbo.bEMDM a
GO

-- ============================================================================
-- IN: Inventory
-- ============================================================================
CREATE TABLE [dbo].[bINCO]
(
[INCo] [dbo].[bCompany] NOT NULL,
[GLCo] [dbo].[bCompany] NOT NULL,
[Jrnl] [dbo].[bJrnl] NOT NULL,
[ValMethod] [tinyint] NOT NULL,
[CostMethod] [tinyint] NOT NULL,
[MiscGLAcct] [dbo].[bGLAcct] NULL,
[TaxGLAcct] [dbo].[bGLAcct] NULL,
[NegWarn] [dbo].[bYN] NOT NULL,
[CostOver] [dbo].[bYN] NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[AutoMO] [dbo].[bYN] NOT NULL,
[LastMO] [dbo].[bMO] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biINCO] ON [dbo].[bINCO] ([INCo])
GO
CREATE VIEW [dbo].[INCO] AS SELECT a.* FROM dbo.bINCO a
GO

CREATE TABLE [dbo].[bINMT]
(
[INCo] [dbo].[bCompany] NOT NULL,
[Loc] [dbo].[bLoc] NOT NULL,
[MatlGroup] [dbo].[bGroup] NOT NULL,
[Material] [dbo].[bMatl] NOT NULL,
[VendorGroup] [dbo].[bGroup] NULL,
[LastVendor] [dbo].[bVendor] NULL,
[LastCost] [dbo].[bUnitCost] NOT NULL,
[LastECM] [dbo].[bECM] NOT NULL,
[LastCostUpdate] [dbo].[bDate] NULL,
[AvgCost] [dbo].[bUnitCost] NOT NULL,
[AvgECM] [dbo].[bECM] NOT NULL,
[StdCost] [dbo].[bUnitCost] NOT NULL,
[StdECM] [dbo].[bECM] NOT NULL,
[StdPrice] [dbo].[bUnitCost] NOT NULL,
[PriceECM] [dbo].[bECM] NOT NULL,
[LowStock] [dbo].[bUnits] NOT NULL,
[ReOrder] [dbo].[bUnits] NOT NULL,
[PhyLoc] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[LastCntDate] [dbo].[bDate] NULL,
[Active] [dbo].[bYN] NOT NULL,
[OnHand] [dbo].[bUnits] NOT NULL,
[RecvdNInvcd] [dbo].[bUnits] NOT NULL,
[Alloc] [dbo].[bUnits] NOT NULL,
[OnOrder] [dbo].[bUnits] NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[Booked] [dbo].[bUnits] NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [IX_bINMT_MatlGroupMatlLocInco] ON [dbo].[bINMT] ([MatlGroup], [Material], [Loc], [INCo])
GO
ALTER TABLE [dbo].[bINMT] ADD CONSTRAINT [PK_bINMT] PRIMARY KEY NONCLUSTERED ([KeyID])
GO
CREATE VIEW [dbo].[INMT] AS SELECT a.* FROM dbo.bINMT a
GO

CREATE TABLE [dbo].[bINLM]
(
[INCo] [dbo].[bCompany] NOT NULL,
[Loc] [dbo].[bLoc] NOT NULL,
[Description] [dbo].[bItemDesc] NULL,
[Active] [dbo].[bYN] NOT NULL,
[MailAddress] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[MailCity] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[MailState] [varchar] (4) COLLATE Latin1_General_BIN NULL,
[MailZip] [dbo].[bZip] NULL,
[ShipAddress] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[ShipCity] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[ShipState] [varchar] (4) COLLATE Latin1_General_BIN NULL,
[ShipZip] [dbo].[bZip] NULL,
[LocGroup] [dbo].[bGroup] NOT NULL,
[TaxGroup] [dbo].[bGroup] NULL,
[TaxCode] [dbo].[bTaxCode] NULL,
[CostMethod] [tinyint] NULL,
[JCCo] [dbo].[bCompany] NULL,
[Job] [dbo].[bJob] NULL,
[EMCo] [dbo].[bCompany] NULL,
[Equipment] [dbo].[bEquip] NULL,
[GLCo] [dbo].[bCompany] NOT NULL,
[InvGLAcct] [dbo].[bGLAcct] NOT NULL,
[AdjGLAcct] [dbo].[bGLAcct] NOT NULL,
[CostGLAcct] [dbo].[bGLAcct] NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biINLM] ON [dbo].[bINLM] ([INCo], [Loc])
GO
CREATE VIEW [dbo].[INLM] AS SELECT a.* FROM dbo.bINLM a
GO

CREATE TABLE [dbo].[bINDT]
(
[INCo] [dbo].[bCompany] NOT NULL,
[Mth] [dbo].[bMonth] NOT NULL,
[INTrans] [int] NOT NULL,
[Loc] [dbo].[bLoc] NOT NULL,
[MatlGroup] [dbo].[bGroup] NOT NULL,
[Material] [dbo].[bMatl] NOT NULL,
[ActDate] [dbo].[bDate] NOT NULL,
[PostedDate] [dbo].[bDate] NOT NULL,
[Source] [varchar] (10) COLLATE Latin1_General_BIN NOT NULL,
[TransType] [varchar] (10) COLLATE Latin1_General_BIN NOT NULL,
[APPOCo] [dbo].[bCompany] NULL,
[PO] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[POItem] [dbo].[bItem] NULL,
[APTrans] [dbo].[bTrans] NULL,
[VendorGroup] [dbo].[bGroup] NULL,
[Vendor] [dbo].[bVendor] NULL,
[APRef] [dbo].[bAPReference] NULL,
[CustGroup] [dbo].[bGroup] NULL,
[Customer] [dbo].[bCustomer] NULL,
[JCCo] [dbo].[bCompany] NULL,
[Job] [dbo].[bJob] NULL,
[PhaseGroup] [dbo].[bGroup] NULL,
[Phase] [dbo].[bPhase] NULL,
[JCCType] [dbo].[bJCCType] NULL,
[EMCo] [dbo].[bCompany] NULL,
[Equip] [dbo].[bEquip] NULL,
[GLCo] [dbo].[bCompany] NULL,
[GLAcct] [dbo].[bGLAcct] NULL,
[Description] [dbo].[bItemDesc] NULL,
[PostedUM] [dbo].[bUM] NOT NULL,
[PostedUnits] [dbo].[bUnits] NOT NULL,
[PostedUnitCost] [dbo].[bUnitCost] NOT NULL,
[PostedTotalCost] [dbo].[bDollar] NOT NULL,
[StkUM] [dbo].[bUM] NOT NULL,
[StkUnits] [dbo].[bUnits] NOT NULL,
[StkTotalCost] [dbo].[bDollar] NOT NULL,
[TotalPrice] [dbo].[bDollar] NOT NULL,
[BatchId] [dbo].[bBatchID] NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biINDT] ON [dbo].[bINDT] ([INCo], [Mth], [INTrans])
GO
CREATE VIEW [dbo].[INDT] AS SELECT a.* FROM dbo.bINDT a
GO

-- ============================================================================
-- PM: Project Management
-- ============================================================================
CREATE TABLE [dbo].[bPMCO]
(
[PMCo] [dbo].[bCompany] NOT NULL,
[APInUse] [dbo].[bYN] NOT NULL,
[SLInUse] [dbo].[bYN] NOT NULL,
[POInUse] [dbo].[bYN] NOT NULL,
[APCo] [dbo].[bCompany] NULL,
[INCo] [dbo].[bCompany] NULL,
[MSCo] [dbo].[bCompany] NULL,
[PRCo] [dbo].[bCompany] NULL,
[EMCo] [dbo].[bCompany] NULL,
[PhaseGroup] [dbo].[bGroup] NULL,
[SLCostType] [dbo].[bJCCType] NULL,
[MtlCostType] [dbo].[bJCCType] NULL,
[SLNo] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[PONo] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[VendorGroup] [dbo].[bGroup] NULL,
[OurFirm] [dbo].[bFirm] NULL,
[BeginStatus] [varchar] (6) COLLATE Latin1_General_BIN NULL,
[FinalStatus] [varchar] (6) COLLATE Latin1_General_BIN NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
ALTER TABLE [dbo].[bPMCO] ADD CONSTRAINT [PK_bPMCO] PRIMARY KEY CLUSTERED ([PMCo])
GO
CREATE VIEW [dbo].[PMCO] AS SELECT a.* FROM dbo.bPMCO a
GO

CREATE TABLE [dbo].[bPMOH]
(
[PMCo] [dbo].[bCompany] NOT NULL,
[Project] [dbo].[bJob] NOT NULL,
[ACO] [dbo].[bACO] NOT NULL,
[Description] [dbo].[bItemDesc] NULL,
[ACOSequence] [int] NULL,
[Issue] [dbo].[bIssue] NULL,
[Contract] [dbo].[bContract] NOT NULL,
[ChangeDays] [smallint] NULL,
[NewCmplDate] [dbo].[bDate] NULL,
[IntExt] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[DateSent] [dbo].[bDate] NULL,
[DateReqd] [dbo].[bDate] NULL,
[DateRecd] [dbo].[bDate] NULL,
[ApprovalDate] [dbo].[bDate] NOT NULL,
[ApprovedBy] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[BillGroup] [dbo].[bBillingGroup] NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1),
[ReadyForAcctg] [char] (1) COLLATE Latin1_General_BIN NOT NULL
)
GO
CREATE UNIQUE CLUSTERED INDEX [biPMOH] ON [dbo].[bPMOH] ([PMCo], [Project], [ACO])
GO
CREATE VIEW [dbo].[PMOH] AS SELECT a.* FROM dbo.bPMOH a
GO

CREATE TABLE [dbo].[bPMOI]
(
[PMCo] [dbo].[bCompany] NOT NULL,
[Project] [dbo].[bJob] NOT NULL,
[PCOType] [dbo].[bDocType] NULL,
[PCO] [dbo].[bPCO] NULL,
[PCOItem] [dbo].[bPCOItem] NULL,
[ACO] [dbo].[bACO] NULL,
[ACOItem] [dbo].[bACOItem] NULL,
[Description] [dbo].[bItemDesc] NULL,
[Status] [dbo].[bStatus] NOT NULL,
[ApprovedDate] [dbo].[bDate] NULL,
[UM] [dbo].[bUM] NOT NULL,
[Units] [dbo].[bUnits] NOT NULL,
[UnitPrice] [dbo].[bUnitCost] NOT NULL,
[PendingAmount] [dbo].[bDollar] NULL,
[ApprovedAmt] [dbo].[bDollar] NULL,
[Issue] [dbo].[bIssue] NULL,
[Contract] [dbo].[bContract] NOT NULL,
[ContractItem] [dbo].[bContractItem] NULL,
[Approved] [dbo].[bYN] NOT NULL,
[ApprovedBy] [dbo].[bVPUserName] NULL,
[FixedAmountYN] [dbo].[bYN] NOT NULL,
[FixedAmount] [dbo].[bDollar] NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[BillGroup] [dbo].[bBillingGroup] NULL,
[ChangeDays] [smallint] NULL,
[InterfacedDate] [dbo].[bDate] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biPMOI] ON [dbo].[bPMOI] ([PMCo], [Project], [PCOType], [PCO], [PCOItem], [ACO], [ACOItem])
GO
CREATE VIEW [dbo].[PMOI] AS SELECT a.* FROM dbo.bPMOI a
GO

CREATE TABLE [dbo].[bPMOP]
(
[PMCo] [dbo].[bCompany] NOT NULL,
[Project] [dbo].[bJob] NOT NULL,
[PCOType] [dbo].[bDocType] NOT NULL,
[PCO] [dbo].[bPCO] NOT NULL,
[Description] [dbo].[bItemDesc] NULL,
[Issue] [dbo].[bIssue] NULL,
[Contract] [dbo].[bContract] NULL,
[PendingStatus] [tinyint] NOT NULL,
[Date1] [dbo].[bDate] NULL,
[Date2] [dbo].[bDate] NULL,
[Date3] [dbo].[bDate] NULL,
[ApprovalDate] [dbo].[bDate] NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[IntExt] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1),
[ROMAmount] [dbo].[bDollar] NOT NULL,
[Details] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[Reference] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[InitiatedBy] [char] (1) COLLATE Latin1_General_BIN NULL,
[Priority] [tinyint] NOT NULL,
[ReasonCode] [dbo].[bReasonCode] NULL,
[Status] [dbo].[bStatus] NULL,
[DateCreated] [dbo].[bDate] NULL,
[VendorGroup] [dbo].[bGroup] NULL,
[ResponsibleFirm] [dbo].[bFirm] NULL
)
GO
CREATE UNIQUE CLUSTERED INDEX [biPMOP] ON [dbo].[bPMOP] ([PMCo], [Project], [PCOType], [PCO])
GO
ALTER TABLE [dbo].[bPMOP] ADD CONSTRAINT [PK_bPMOP] PRIMARY KEY NONCLUSTERED ([KeyID])
GO
CREATE VIEW [dbo].[PMOP] AS SELECT a.* FROM dbo.bPMOP a
GO

CREATE TABLE [dbo].[bPMPM]
(
[VendorGroup] [dbo].[bGroup] NOT NULL,
[FirmNumber] [dbo].[bFirm] NOT NULL,
[ContactCode] [dbo].[bEmployee] NOT NULL,
[SortName] [dbo].[bSortName] NOT NULL,
[LastName] [varchar] (30) COLLATE Latin1_General_BIN NOT NULL,
[FirstName] [varchar] (30) COLLATE Latin1_General_BIN NOT NULL,
[MiddleInit] [char] (1) COLLATE Latin1_General_BIN NULL,
[Title] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[Phone] [dbo].[bPhone] NULL,
[PhoneExt] [varchar] (5) COLLATE Latin1_General_BIN NULL,
[MobilePhone] [dbo].[bPhone] NULL,
[Fax] [dbo].[bPhone] NULL,
[EMail] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[PrefMethod] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[ExcludeYN] [dbo].[bYN] NOT NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
ALTER TABLE [dbo].[bPMPM] ADD CONSTRAINT [PK_bPMPM] PRIMARY KEY CLUSTERED ([VendorGroup], [FirmNumber], [ContactCode])
GO
CREATE VIEW [dbo].[PMPM] AS SELECT a.* FROM dbo.bPMPM a
GO

CREATE TABLE [dbo].[bPMFM]
(
[VendorGroup] [dbo].[bGroup] NOT NULL,
[FirmNumber] [dbo].[bFirm] NOT NULL,
[FirmName] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[FirmType] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[SortName] [dbo].[bSortName] NOT NULL,
[Vendor] [dbo].[bVendor] NULL,
[ContactName] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[MailAddress] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[MailCity] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[MailState] [varchar] (4) COLLATE Latin1_General_BIN NULL,
[MailZip] [dbo].[bZip] NULL,
[Phone] [dbo].[bPhone] NULL,
[Fax] [dbo].[bPhone] NULL,
[EMail] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[URL] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1),
[ExcludeYN] [dbo].[bYN] NOT NULL
)
GO
CREATE UNIQUE CLUSTERED INDEX [biPMFM] ON [dbo].[bPMFM] ([VendorGroup], [FirmNumber])
GO
CREATE VIEW [dbo].[PMFM] AS SELECT a.* FROM dbo.bPMFM a
GO

CREATE TABLE [dbo].[bPMSL]
(
[PMCo] [dbo].[bCompany] NOT NULL,
[Project] [dbo].[bJob] NOT NULL,
[Seq] [int] NOT NULL,
[RecordType] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[PCOType] [dbo].[bDocType] NULL,
[PCO] [dbo].[bPCO] NULL,
[PCOItem] [dbo].[bPCOItem] NULL,
[ACO] [dbo].[bACO] NULL,
[ACOItem] [dbo].[bACOItem] NULL,
[PhaseGroup] [dbo].[bGroup] NULL,
[Phase] [dbo].[bPhase] NULL,
[CostType] [dbo].[bJCCType] NULL,
[VendorGroup] [dbo].[bGroup] NULL,
[Vendor] [dbo].[bVendor] NULL,
[SLCo] [dbo].[bCompany] NOT NULL,
[SL] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[SLItem] [dbo].[bItem] NULL,
[SLItemDescription] [dbo].[bItemDesc] NULL,
[SLItemType] [tinyint] NULL,
[Units] [dbo].[bUnits] NOT NULL,
[UM] [dbo].[bUM] NOT NULL,
[UnitCost] [dbo].[bUnitCost] NOT NULL,
[Amount] [dbo].[bDollar] NOT NULL,
[SubCO] [smallint] NULL,
[WCRetgPct] [dbo].[bPct] NULL,
[InterfaceDate] [dbo].[bDate] NULL,
[SendFlag] [dbo].[bYN] NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1),
[TaxType] [tinyint] NULL,
[TaxCode] [dbo].[bTaxCode] NULL,
[TaxGroup] [dbo].[bGroup] NULL
)
GO
CREATE UNIQUE CLUSTERED INDEX [biPMSL] ON [dbo].[bPMSL] ([PMCo], [Project], [Seq])
GO
CREATE VIEW [dbo].[PMSL] AS SELECT a.* FROM dbo.bPMSL a
GO

CREATE TABLE [dbo].[bPMMF]
(
[PMCo] [dbo].[bCompany] NOT NULL,
[Project] [dbo].[bJob] NOT NULL,
[Seq] [int] NOT NULL,
[RecordType] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[PCOType] [dbo].[bDocType] NULL,
[PCO] [dbo].[bPCO] NULL,
[PCOItem] [dbo].[bPCOItem] NULL,
[ACO] [dbo].[bACO] NULL,
[ACOItem] [dbo].[bACOItem] NULL,
[MaterialGroup] [dbo].[bGroup] NULL,
[MaterialCode] [dbo].[bMatl] NULL,
[MtlDescription] [dbo].[bItemDesc] NULL,
[PhaseGroup] [dbo].[bGroup] NULL,
[Phase] [dbo].[bPhase] NULL,
[CostType] [dbo].[bJCCType] NULL,
[MaterialOption] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[VendorGroup] [dbo].[bGroup] NULL,
[Vendor] [dbo].[bVendor] NULL,
[POCo] [dbo].[bCompany] NULL,
[PO] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[POItem] [dbo].[bItem] NULL,
[Location] [dbo].[bLoc] NULL,
[MO] [char] (10) COLLATE Latin1_General_BIN NULL,
[MOItem] [dbo].[bItem] NULL,
[UM] [dbo].[bUM] NOT NULL,
[Units] [dbo].[bUnits] NOT NULL,
[UnitCost] [dbo].[bUnitCost] NOT NULL,
[ECM] [dbo].[bECM] NULL,
[Amount] [dbo].[bDollar] NOT NULL,
[ReqDate] [dbo].[bDate] NULL,
[InterfaceDate] [dbo].[bDate] NULL,
[INCo] [dbo].[bCompany] NULL,
[KeyID] [bigint] NOT NULL IDENTITY(1, 1)
)
GO
CREATE UNIQUE CLUSTERED INDEX [biPMMF] ON [dbo].[bPMMF] ([PMCo], [Project], [Seq])
GO
CREATE VIEW [dbo].[PMMF] AS SELECT a.* FROM dbo.bPMMF a
GO

-- ============================================================================
-- SM: Service Management (newer v-prefixed tables)
-- ============================================================================
CREATE TABLE [dbo].[vSMCO]
(
[SMCompanyID] [bigint] NOT NULL IDENTITY(1, 1),
[SMCo] [dbo].[bCompany] NOT NULL,
[GLCo] [dbo].[bCompany] NOT NULL,
[JCCo] [dbo].[bCompany] NULL,
[ARCo] [dbo].[bCompany] NOT NULL,
[APCo] [dbo].[bCompany] NULL,
[PRCo] [dbo].[bCompany] NULL,
[INCo] [dbo].[bCompany] NULL,
[EMCo] [dbo].[bCompany] NULL,
[GLJrnl] [dbo].[bJrnl] NULL,
[UseJCInterface] [dbo].[bYN] NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL
)
GO
ALTER TABLE [dbo].[vSMCO] ADD CONSTRAINT [PK_vSMCO] PRIMARY KEY CLUSTERED ([SMCompanyID])
GO
CREATE VIEW [dbo].[SMCO] AS SELECT a.* FROM dbo.vSMCO a
GO

CREATE TABLE [dbo].[vSMWorkOrder]
(
[SMWorkOrderID] [int] NOT NULL IDENTITY(1, 1),
[SMCo] [dbo].[bCompany] NOT NULL,
[WorkOrder] [int] NOT NULL,
[CustGroup] [dbo].[bGroup] NOT NULL,
[Customer] [dbo].[bCustomer] NULL,
[ServiceSite] [varchar] (20) COLLATE Latin1_General_BIN NOT NULL,
[Description] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[ServiceCenter] [varchar] (10) COLLATE Latin1_General_BIN NOT NULL,
[RequestedDate] [datetime] NULL,
[RequestedTime] [datetime] NULL,
[EnteredDateTime] [datetime] NULL,
[EnteredBy] [dbo].[bVPUserName] NULL,
[RequestedBy] [varchar] (50) COLLATE Latin1_General_BIN NULL,
[ContactName] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[ContactPhone] [varchar] (20) COLLATE Latin1_General_BIN NULL,
[IsNew] [bit] NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[WOStatus] [tinyint] NOT NULL,
[LeadTechnician] [varchar] (15) COLLATE Latin1_General_BIN NULL,
[JCCo] [dbo].[bCompany] NULL,
[Job] [dbo].[bJob] NULL,
[CostingMethod] [varchar] (10) COLLATE Latin1_General_BIN NULL
)
GO
ALTER TABLE [dbo].[vSMWorkOrder] ADD CONSTRAINT [PK_SMWorkOrder] PRIMARY KEY CLUSTERED ([SMWorkOrderID])
GO
CREATE VIEW [dbo].[SMWorkOrder] AS SELECT a.* FROM dbo.vSMWorkOrder a
GO

CREATE TABLE [dbo].[vSMServiceSite]
(
[SMServiceSiteID] [int] NOT NULL IDENTITY(1, 1),
[SMCo] [dbo].[bCompany] NOT NULL,
[ServiceSite] [varchar] (20) COLLATE Latin1_General_BIN NOT NULL,
[CustGroup] [dbo].[bGroup] NOT NULL,
[Customer] [dbo].[bCustomer] NULL,
[Description] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[Address1] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[Address2] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[City] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[State] [varchar] (4) COLLATE Latin1_General_BIN NULL,
[Zip] [dbo].[bZip] NULL,
[Country] [char] (2) COLLATE Latin1_General_BIN NULL,
[Phone] [varchar] (20) COLLATE Latin1_General_BIN NULL,
[DefaultServiceCenter] [varchar] (10) COLLATE Latin1_General_BIN NOT NULL,
[RateTemplate] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[Active] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[TaxGroup] [dbo].[bGroup] NULL,
[TaxCode] [dbo].[bTaxCode] NULL,
[Type] [varchar] (10) COLLATE Latin1_General_BIN NOT NULL,
[Job] [dbo].[bJob] NULL,
[JCCo] [dbo].[bCompany] NULL,
[CostingMethod] [varchar] (10) COLLATE Latin1_General_BIN NULL
)
GO
ALTER TABLE [dbo].[vSMServiceSite] ADD CONSTRAINT [PK_vSMServiceSite] PRIMARY KEY CLUSTERED ([SMServiceSiteID])
GO
CREATE VIEW [dbo].[SMServiceSite] AS SELECT a.* FROM dbo.vSMServiceSite a
GO

CREATE TABLE [dbo].[vSMCustomer]
(
[SMCustomerID] [bigint] NOT NULL IDENTITY(1, 1),
[SMCo] [dbo].[bCompany] NOT NULL,
[CustGroup] [dbo].[bGroup] NOT NULL,
[Customer] [dbo].[bCustomer] NOT NULL,
[Active] [dbo].[bYN] NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[RateTemplate] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[BillToARCustomer] [dbo].[bCustomer] NULL,
[CustomerPOSetting] [char] (1) COLLATE Latin1_General_BIN NOT NULL,
[InvoiceGrouping] [char] (1) COLLATE Latin1_General_BIN NOT NULL
)
GO
ALTER TABLE [dbo].[vSMCustomer] ADD CONSTRAINT [PK_vSMCustomer] PRIMARY KEY CLUSTERED ([SMCustomerID])
GO
CREATE VIEW [dbo].[SMCustomer] AS SELECT a.* FROM dbo.vSMCustomer a
GO

CREATE TABLE [dbo].[vSMServiceCenter]
(
[ServiceCenterID] [int] NOT NULL IDENTITY(1, 1),
[SMCo] [dbo].[bCompany] NOT NULL,
[ServiceCenter] [varchar] (10) COLLATE Latin1_General_BIN NOT NULL,
[Description] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[Address] [varchar] (60) COLLATE Latin1_General_BIN NULL,
[State] [varchar] (4) COLLATE Latin1_General_BIN NULL,
[Zip] [dbo].[bZip] NULL,
[Phone] [dbo].[bPhone] NULL,
[Active] [dbo].[bYN] NOT NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[City] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[TaxGroup] [dbo].[bGroup] NULL,
[TaxCode] [dbo].[bTaxCode] NULL,
[Department] [varchar] (10) COLLATE Latin1_General_BIN NOT NULL,
[ARCo] [dbo].[bCompany] NOT NULL
)
GO
ALTER TABLE [dbo].[vSMServiceCenter] ADD CONSTRAINT [PK_vSMServiceCenter] PRIMARY KEY CLUSTERED ([ServiceCenterID])
GO
CREATE VIEW [dbo].[SMServiceCenter] AS SELECT a.* FROM dbo.vSMServiceCenter a
GO

CREATE TABLE [dbo].[vSMWorkOrderScope]
(
[SMWorkOrderScopeID] [int] NOT NULL IDENTITY(1, 1),
[SMCo] [dbo].[bCompany] NOT NULL,
[WorkOrder] [int] NOT NULL,
[Scope] [int] NOT NULL,
[CallType] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[WorkScope] [varchar] (20) COLLATE Latin1_General_BIN NULL,
[Description] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[DueStartDate] [dbo].[bDate] NULL,
[DueEndDate] [dbo].[bDate] NULL,
[ServiceCenter] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[Division] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[Notes] [varchar] (max) COLLATE Latin1_General_BIN NULL,
[CustGroup] [dbo].[bGroup] NULL,
[BillToARCustomer] [dbo].[bCustomer] NULL,
[RateTemplate] [varchar] (10) COLLATE Latin1_General_BIN NULL,
[SaleLocation] [tinyint] NOT NULL,
[IsComplete] [dbo].[bYN] NOT NULL,
[CustomerPO] [varchar] (30) COLLATE Latin1_General_BIN NULL,
[NotToExceed] [dbo].[bDollar] NULL,
[Phase] [dbo].[bPhase] NULL,
[PhaseGroup] [dbo].[bGroup] NULL,
[JCCo] [dbo].[bCompany] NULL,
[Job] [dbo].[bJob] NULL,
[Agreement] [varchar] (15) COLLATE Latin1_General_BIN NULL,
[Revision] [int] NULL,
[PriceMethod] [char] (1) COLLATE Latin1_General_BIN NULL,
[Price] [dbo].[bDollar] NULL,
[TaxGroup] [dbo].[bGroup] NULL,
[TaxCode] [dbo].[bTaxCode] NULL
)
GO
ALTER TABLE [dbo].[vSMWorkOrderScope] ADD CONSTRAINT [PK_vSMWorkOrderScope] PRIMARY KEY CLUSTERED ([SMWorkOrderScopeID])
GO
CREATE VIEW [dbo].[SMWorkOrderScope] AS SELECT a.* FROM dbo.vSMWorkOrderScope a
GO

-- ============================================================================
-- Declared foreign keys (Vista declares few; most joins follow shared key columns)
-- ============================================================================
ALTER TABLE [dbo].[bGLCO] ADD CONSTRAINT [FK_bGLCO_bHQCO_GLCo] FOREIGN KEY ([GLCo]) REFERENCES [dbo].[bHQCO] ([HQCo])
GO
ALTER TABLE [dbo].[bGLAC] ADD CONSTRAINT [FK_bGLAC_bGLCO_GLCo] FOREIGN KEY ([GLCo]) REFERENCES [dbo].[bGLCO] ([GLCo])
GO
ALTER TABLE [dbo].[bGLJR] ADD CONSTRAINT [FK_bGLJR_bGLCO_GLCo] FOREIGN KEY ([GLCo]) REFERENCES [dbo].[bGLCO] ([GLCo])
GO
ALTER TABLE [dbo].[bCMCO] ADD CONSTRAINT [FK_bCMCO_bHQCO_CMCo] FOREIGN KEY ([CMCo]) REFERENCES [dbo].[bHQCO] ([HQCo])
GO
ALTER TABLE [dbo].[bCMAC] ADD CONSTRAINT [FK_bCMAC_bCMCO_CMCo] FOREIGN KEY ([CMCo]) REFERENCES [dbo].[bCMCO] ([CMCo])
GO
ALTER TABLE [dbo].[bCMDT] ADD CONSTRAINT [FK_bCMDT_bCMAC_CMCoCMAcct] FOREIGN KEY ([CMCo], [CMAcct]) REFERENCES [dbo].[bCMAC] ([CMCo], [CMAcct])
GO
ALTER TABLE [dbo].[bPMCO] ADD CONSTRAINT [FK_bPMCO_bHQCO] FOREIGN KEY ([PMCo]) REFERENCES [dbo].[bHQCO] ([HQCo])
GO
ALTER TABLE [dbo].[bPMCO] ADD CONSTRAINT [FK_bPMCO_bJCCO] FOREIGN KEY ([PMCo]) REFERENCES [dbo].[bJCCO] ([JCCo])
GO
ALTER TABLE [dbo].[bPMFM] ADD CONSTRAINT [FK_bPMFM_bAPVM] FOREIGN KEY ([VendorGroup], [Vendor]) REFERENCES [dbo].[bAPVM] ([VendorGroup], [Vendor])
GO
ALTER TABLE [dbo].[bPMPM] ADD CONSTRAINT [FK_bPMPM_bPMFM] FOREIGN KEY ([VendorGroup], [FirmNumber]) REFERENCES [dbo].[bPMFM] ([VendorGroup], [FirmNumber])
GO
ALTER TABLE [dbo].[bPMOH] ADD CONSTRAINT [FK_bPMOH_bJCJM] FOREIGN KEY ([PMCo], [Project]) REFERENCES [dbo].[bJCJM] ([JCCo], [Job])
GO
ALTER TABLE [dbo].[bPMOI] ADD CONSTRAINT [FK_bPMOI_bPMOH] FOREIGN KEY ([PMCo], [Project], [ACO]) REFERENCES [dbo].[bPMOH] ([PMCo], [Project], [ACO])
GO
ALTER TABLE [dbo].[bPMOI] ADD CONSTRAINT [FK_bPMOI_bPMOP] FOREIGN KEY ([PMCo], [Project], [PCOType], [PCO]) REFERENCES [dbo].[bPMOP] ([PMCo], [Project], [PCOType], [PCO])
GO
ALTER TABLE [dbo].[bPMSL] ADD CONSTRAINT [FK_bPMSL_bJCJM] FOREIGN KEY ([PMCo], [Project]) REFERENCES [dbo].[bJCJM] ([JCCo], [Job])
GO
ALTER TABLE [dbo].[vSMCustomer] ADD CONSTRAINT [FK_vSMCustomer_bARCM] FOREIGN KEY ([CustGroup], [Customer]) REFERENCES [dbo].[bARCM] ([CustGroup], [Customer])
GO
ALTER TABLE [dbo].[vSMWorkOrder] ADD CONSTRAINT [FK_vSMWorkOrder_bJCJM] FOREIGN KEY ([JCCo], [Job]) REFERENCES [dbo].[bJCJM] ([JCCo], [Job])
GO

-- ============================================================================
-- Reporting views (brv*/vrv*) that Vista's standard reports read. Written for
-- this sample over the views above with explicit column lists; every output
-- column is a real column of the Vista view of the same name (vrvJCJobMaster
-- keeps a subset of its columns).
-- ============================================================================
CREATE VIEW [dbo].[vrvJCJobMaster] AS
/* Jobs with their contract's close month. An open contract (ContractStatus 1)
   reports 2050-12-02 so that "closed after the through month" keeps open jobs. */
SELECT j.JCCo,
       j.Job,
       j.Description,
       j.Contract,
       j.JobStatus,
       CASE WHEN c.ContractStatus <> 1 THEN c.MonthClosed ELSE '20501202' END AS MonthClosedForReport,
       j.BidNumber,
       j.ProjectMgr,
       j.JobPhone,
       j.MailAddress,
       j.MailCity,
       j.MailZip,
       j.ShipAddress,
       j.ShipCity,
       j.ShipState,
       j.ShipZip,
       j.LiabTemplate,
       j.TaxGroup,
       j.TaxCode,
       j.PRLocalCode,
       j.PRStateCode,
       j.Notes,
       j.VendorGroup,
       j.ArchEngFirm,
       j.ContactCode,
       j.OurFirm
FROM dbo.JCJM j WITH (NOLOCK)
INNER JOIN dbo.JCCM c WITH (NOLOCK)
        ON c.JCCo = j.JCCo
       AND c.Contract = j.Contract
GO

CREATE VIEW [dbo].[brvJCContrMinJob] AS
/* One row per contract with the first (lowest-numbered) job's project manager
   and architect/engineer firm. */
SELECT cm.JCCo,
       cm.Contract,
       jm.VendorGroup,
       jm.ArchEngFirm,
       jm.ContactCode AS ArchContact,
       fj.MinJob AS Job,
       jm.ProjectMgr
FROM dbo.JCCM cm WITH (NOLOCK)
LEFT JOIN (SELECT JCCo, Contract, MIN(Job) AS MinJob
           FROM dbo.JCJM WITH (NOLOCK)
           GROUP BY JCCo, Contract) fj
       ON fj.JCCo = cm.JCCo
      AND fj.Contract = cm.Contract
LEFT JOIN dbo.JCJM jm WITH (NOLOCK)
       ON jm.JCCo = fj.JCCo
      AND jm.Job = fj.MinJob
GO

CREATE VIEW [dbo].[brvJCIDProjRev] AS
/* Contract item revenue detail summed by month. */
SELECT d.JCCo,
       d.Contract,
       d.Item,
       d.Mth,
       SUM(d.ContractUnits) AS ContractUnits,
       SUM(d.ContractAmt) AS ContractAmt,
       SUM(d.ProjUnits) AS ProjUnits,
       SUM(d.ProjDollars) AS ProjDollars,
       SUM(d.BilledUnits) AS BilledUnits,
       SUM(d.BilledAmt) AS BilledAmt
FROM dbo.JCID d WITH (NOLOCK)
GROUP BY d.JCCo, d.Contract, d.Item, d.Mth
GO

CREATE VIEW [dbo].[brvMSHaul_APTH_DistinctAPRef] AS
/* AP invoices grouped by vendor reference within a month. */
SELECT h.APCo,
       h.Mth,
       h.VendorGroup,
       h.Vendor,
       h.APRef,
       MAX(h.InvDate) AS InvDate,
       MAX(h.DueDate) AS DueDate,
       COUNT(h.APTrans) AS CountAPTrans
FROM dbo.APTH h WITH (NOLOCK)
GROUP BY h.APCo, h.Mth, h.VendorGroup, h.Vendor, h.APRef
GO

CREATE VIEW [dbo].[vrvSMOpenPurchaseOrder] AS
/* Open purchase orders (POHD.Status 0) with items charged to SM work orders
   (POIT.ItemType 6). */
SELECT i.SMCo,
       i.SMWorkOrder,
       i.PO,
       h.OrderDate,
       h.VendorGroup,
       h.Vendor,
       v.Name AS VendorName,
       i.POItem,
       i.TotalCost,
       i.RecvdCost,
       i.TotalCost - i.RecvdCost AS Balance
FROM dbo.POIT i WITH (NOLOCK)
INNER JOIN dbo.POHD h WITH (NOLOCK)
        ON h.POCo = i.POCo
       AND h.PO = i.PO
INNER JOIN dbo.APVM v WITH (NOLOCK)
        ON v.VendorGroup = h.VendorGroup
       AND v.Vendor = h.Vendor
WHERE h.Status = 0
  AND i.ItemType = 6
GO
-- ============================================================================
-- Functions. The bodies are placeholders written for this sample: the catalog
-- records a routine's name, parameters and return type, never its logic.
-- ============================================================================
CREATE FUNCTION [dbo].[vfHQTaxRate] (@taxgroup bGroup, @taxcode bTaxCode, @compdate bDate)
RETURNS bRate
AS
BEGIN
    RETURN NULL  -- placeholder body
END
GO
CREATE FUNCTION [dbo].[vfAPVendorCompliedYN] (@apco bCompany, @vendorgroup bGroup, @vendor bVendor, @invdate bDate)
RETURNS bYN
AS
BEGIN
    RETURN NULL  -- placeholder body
END
GO
CREATE FUNCTION [dbo].[vfDateCreate] (@Month tinyint, @Day tinyint, @Year smallint)
RETURNS bDate
AS
BEGIN
    RETURN NULL  -- placeholder body
END
GO

-- ============================================================================
-- Report procedures (Crystal report data sources). Placeholder bodies, as above:
-- only the names and parameter lists are Vista's.
-- ============================================================================
CREATE PROCEDURE [dbo].[brptAPTax]
(   @APCo bCompany,
    @BeginTaxCode bTaxCode,
    @EndTaxCode bTaxCode,
    @BeginMth bMonth,
    @EndMth bMonth
)
AS
BEGIN
    SET NOCOUNT ON;
    SELECT 1 AS Placeholder;
END
GO
CREATE PROCEDURE [dbo].[brptARSalesTax]
(   @ARCo bCompany,
    @BeginTaxCode bTaxCode,
    @EndTaxCode bTaxCode,
    @BeginMth bMonth,
    @EndMth bMonth,
    @NoTaxLines bYN
)
AS
BEGIN
    SET NOCOUNT ON;
    SELECT 1 AS Placeholder;
END
GO
CREATE PROCEDURE [dbo].[brptGLFinDetBud]
(   @GLCo bCompany,
    @BegAcct bGLAcct,
    @EndAcct bGLAcct,
    @BegMonth bMonth,
    @EndMonth bMonth,
    @DetailLevel char(1),
    @BudgetCode char(10)
)
AS
BEGIN
    SET NOCOUNT ON;
    SELECT 1 AS Placeholder;
END
GO
CREATE PROCEDURE [dbo].[brptJCCostRevDrill]
(   @JCCo bCompany,
    @BeginContract bContract,
    @EndContract bContract,
    @BeginDate bDate,
    @EndDate bDate,
    @ThroughMonth bDate
)
AS
BEGIN
    SET NOCOUNT ON;
    SELECT 1 AS Placeholder;
END
GO
CREATE PROCEDURE [dbo].[brptJCOpenPayable]
(   @JCCo bCompany,
    @Contract bContract,
    @ThroughMth bDate
)
AS
BEGIN
    SET NOCOUNT ON;
    SELECT 1 AS Placeholder;
END
GO
