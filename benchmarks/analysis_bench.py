"""Analyzer benchmarks on the real-scale catalog, side by side with sqlfluff's T-SQL linter.

Run:  .venv/bin/python benchmarks/analysis_bench.py [--schema ../shared/vista-schema]
                                                      [--sqlfluff /tmp/fluff/bin/python]

Measures, against the targets in benchmarks/RESULTS.md:

* findings for one 1,000-line query file (~50 statements): the first (cold) run in a
  fresh process, then the median of ``--runs`` warm runs (target < 50 ms);
* a folder of 2,000 view-sized files (20-60 lines each), wall time of a fresh
  process: a pool of 2 workers that each open the catalog once (target < 10 s on
  2 cores), and a single process;
* the same inputs through sqlfluff's T-SQL linter (``sqlfluff lint --dialect tsql
  --processes 2 --format json <dir>``, and ``Linter.lint_string`` in-process for the
  1,000-line file), reported as the ratio sqlfluff / vgpt2. sqlfluff is not a
  dependency of this project: install it into a throwaway venv
  (``python3 -m venv /tmp/fluff && /tmp/fluff/bin/pip install sqlfluff``) and pass
  that interpreter with ``--sqlfluff``. Without it that part is skipped.

The inputs are generated here, deterministically (``--seed``), from realistic Vista
report queries (job cost, AP, AR, PR, GL) whose tables, columns and composite join
keys all exist in the real catalog; literals and aliases vary so no two statements
are the same, and a small share of statements (``--defect-rate``) carry a typical
mistake (missing NOLOCK, wrong-case column, partial key join, misspelt column or
object) so the rules that build suggestions are exercised too.
"""

from __future__ import annotations

import argparse
import atexit
import cProfile
import io
import json
import pstats
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

# ---------------------------------------------------------------------------------------------
# Query templates. {s} is an optional "dbo." prefix; other lowercase placeholders are aliases
# (ALIASES) or literals (_literals). Every column below was checked against the real catalog.
# ---------------------------------------------------------------------------------------------

TEMPLATES: dict[str, str] = {
    "job_cost_by_phase": """\
-- Job cost by phase and cost type, {mth0} through {mth1}
SELECT {cd}.JCCo,
       {cd}.Job,
       {jm}.Description AS JobDescription,
       {cd}.Phase,
       {cd}.CostType,
       {ct}.Abbreviation AS CostTypeAbbrev,
       SUM({cd}.ActualHours) AS ActualHours,
       SUM({cd}.ActualUnits) AS ActualUnits,
       SUM({cd}.ActualCost) AS ActualCost,
       SUM({cd}.TotalCmtdCost) AS CommittedCost
FROM {s}JCCD {cd} WITH (NOLOCK)
INNER JOIN {s}JCJM {jm} WITH (NOLOCK)
    ON {jm}.JCCo = {cd}.JCCo
   AND {jm}.Job = {cd}.Job
INNER JOIN {s}JCCT {ct} WITH (NOLOCK)
    ON {ct}.PhaseGroup = {cd}.PhaseGroup
   AND {ct}.CostType = {cd}.CostType
WHERE {cd}.JCCo = {co}
  AND {cd}.Job = '{job}'
  AND {cd}.Mth BETWEEN '{mth0}' AND '{mth1}'
GROUP BY {cd}.JCCo, {cd}.Job, {jm}.Description, {cd}.Phase, {cd}.CostType,
         {ct}.Abbreviation
ORDER BY {cd}.Phase, {cd}.CostType;
""",
    "wip_by_job": """\
-- WIP: estimate, actual and forecast cost per open job through {mth1}
WITH {cte} AS (
    SELECT {cp}.JCCo,
           {cp}.Job,
           SUM({cp}.OrigEstCost) AS OrigEst,
           SUM({cp}.CurrEstCost) AS CurrEst,
           SUM({cp}.ActualCost) AS Actual,
           SUM({cp}.ProjCost) AS Projected
    FROM {s}JCCP {cp} WITH (NOLOCK)
    WHERE {cp}.JCCo = {co}
      AND {cp}.Mth <= '{mth1}'
    GROUP BY {cp}.JCCo, {cp}.Job
)
SELECT {jm}.Job,
       {jm}.Description,
       {cm}.Contract,
       {cm}.ContractAmt,
       {cm}.BilledAmt,
       {cte}.CurrEst,
       {cte}.Actual,
       CASE WHEN {cte}.Projected <> 0 THEN {cte}.Projected ELSE {cte}.CurrEst END AS ForecastCost,
       CASE WHEN {cte}.CurrEst = 0 THEN 0
            ELSE ROUND({cte}.Actual / {cte}.CurrEst * 100, 1) END AS PctComplete
FROM {cte}
INNER JOIN {s}JCJM {jm} WITH (NOLOCK)
    ON {jm}.JCCo = {cte}.JCCo
   AND {jm}.Job = {cte}.Job
INNER JOIN {s}JCCM {cm} WITH (NOLOCK)
    ON {cm}.JCCo = {jm}.JCCo
   AND {cm}.Contract = {jm}.Contract
WHERE {jm}.JobStatus = 1
ORDER BY {jm}.Job;
""",
    "budget_vs_actual": """\
-- Budget vs actual by phase for job {job}
SELECT {ch}.Job,
       {ch}.Phase,
       {ch}.CostType,
       {ch}.UM,
       {ch}.OrigCost AS Budget,
       ISNULL(SUM({cp}.ActualCost), 0) AS ActualToDate,
       ISNULL(SUM({cp}.CurrEstCost), 0) AS CurrentEstimate,
       ISNULL(SUM({cp}.RemainCmtdCost), 0) AS RemainingCommitted,
       CASE
           WHEN ISNULL(SUM({cp}.ActualCost), 0) > {ch}.OrigCost THEN 'OVER'
           WHEN ISNULL(SUM({cp}.ActualCost), 0) > {ch}.OrigCost * {pct} THEN 'WATCH'
           ELSE 'OK'
       END AS BudgetStatus
FROM {s}JCCH {ch} WITH (NOLOCK)
LEFT JOIN {s}JCCP {cp} WITH (NOLOCK)
    ON {cp}.JCCo = {ch}.JCCo
   AND {cp}.Job = {ch}.Job
   AND {cp}.PhaseGroup = {ch}.PhaseGroup
   AND {cp}.Phase = {ch}.Phase
   AND {cp}.CostType = {ch}.CostType
   AND {cp}.Mth <= '{mth1}'
WHERE {ch}.JCCo = {co}
  AND {ch}.Job = '{job}'
  AND {ch}.ActiveYN = 'Y'
GROUP BY {ch}.Job, {ch}.Phase, {ch}.CostType, {ch}.UM, {ch}.OrigCost
ORDER BY {ch}.Phase, {ch}.CostType;
""",
    "ap_open_by_vendor": """\
-- Open AP invoices by vendor as of {date}
SELECT {vm}.Vendor,
       {vm}.Name AS VendorName,
       {th}.APRef,
       {th}.InvDate,
       {th}.DueDate,
       {th}.InvTotal,
       SUM(CASE WHEN {td}.Status = 1 THEN {td}.Amount ELSE 0 END) AS OpenAmount,
       SUM(CASE WHEN {td}.Status = 2 THEN {td}.Amount ELSE 0 END) AS OnHoldAmount
FROM {s}APTH {th} WITH (NOLOCK)
INNER JOIN {s}APVM {vm} WITH (NOLOCK)
    ON {vm}.VendorGroup = {th}.VendorGroup
   AND {vm}.Vendor = {th}.Vendor
INNER JOIN {s}APTD {td} WITH (NOLOCK)
    ON {td}.APCo = {th}.APCo
   AND {td}.Mth = {th}.Mth
   AND {td}.APTrans = {th}.APTrans
WHERE {th}.APCo = {co}
  AND {th}.OpenYN = 'Y'
  AND {th}.InvDate <= '{date}'
GROUP BY {vm}.Vendor, {vm}.Name, {th}.APRef, {th}.InvDate, {th}.DueDate, {th}.InvTotal
HAVING SUM(CASE WHEN {td}.Status = 1 THEN {td}.Amount ELSE 0 END) > {amount}
ORDER BY {vm}.Name, {th}.InvDate;
""",
    "ap_lines_to_job": """\
-- AP invoice lines coded to job {job} since {mth0}
SELECT {th}.Mth,
       {th}.APTrans,
       {th}.APRef,
       {vm}.Name AS VendorName,
       {tl}.APLine,
       {tl}.Job,
       {jm}.Description AS JobDescription,
       {tl}.Phase,
       {tl}.JCCType,
       {tl}.Description,
       {tl}.GrossAmt,
       {tl}.TaxAmt,
       {tl}.Retainage
FROM {s}APTL {tl} WITH (NOLOCK)
INNER JOIN {s}APTH {th} WITH (NOLOCK)
    ON {th}.APCo = {tl}.APCo
   AND {th}.Mth = {tl}.Mth
   AND {th}.APTrans = {tl}.APTrans
INNER JOIN {s}APVM {vm} WITH (NOLOCK)
    ON {vm}.VendorGroup = {th}.VendorGroup
   AND {vm}.Vendor = {th}.Vendor
LEFT JOIN {s}JCJM {jm} WITH (NOLOCK)
    ON {jm}.JCCo = {tl}.JCCo
   AND {jm}.Job = {tl}.Job
WHERE {tl}.APCo = {co}
  AND {tl}.LineType = 1
  AND {tl}.Mth >= '{mth0}'
  AND {tl}.Job = '{job}'
ORDER BY {th}.Mth, {th}.APTrans, {tl}.APLine;
""",
    "ar_aging": """\
-- AR aging by customer as of {date}
SELECT {am}.Customer,
       {am}.Name AS CustomerName,
       SUM(CASE WHEN DATEDIFF(day, {ah}.DueDate, '{date}') <= 0
                THEN {ah}.AmountDue ELSE 0 END) AS CurrentDue,
       SUM(CASE WHEN DATEDIFF(day, {ah}.DueDate, '{date}') BETWEEN 1 AND 30
                THEN {ah}.AmountDue ELSE 0 END) AS Days1To30,
       SUM(CASE WHEN DATEDIFF(day, {ah}.DueDate, '{date}') BETWEEN 31 AND 60
                THEN {ah}.AmountDue ELSE 0 END) AS Days31To60,
       SUM(CASE WHEN DATEDIFF(day, {ah}.DueDate, '{date}') BETWEEN 61 AND 90
                THEN {ah}.AmountDue ELSE 0 END) AS Days61To90,
       SUM(CASE WHEN DATEDIFF(day, {ah}.DueDate, '{date}') > 90
                THEN {ah}.AmountDue ELSE 0 END) AS Over90,
       SUM({ah}.AmountDue) AS TotalDue
FROM {s}ARTH {ah} WITH (NOLOCK)
INNER JOIN {s}ARCM {am} WITH (NOLOCK)
    ON {am}.CustGroup = {ah}.CustGroup
   AND {am}.Customer = {ah}.Customer
WHERE {ah}.ARCo = {co}
  AND {ah}.ARTransType = 'I'
  AND {ah}.AmountDue <> 0
GROUP BY {am}.Customer, {am}.Name
HAVING SUM({ah}.AmountDue) > {amount}
ORDER BY TotalDue DESC;
""",
    "ar_billed_by_contract": """\
-- Billed, paid and retainage by contract, {mth0} through {mth1}
WITH {cte} AS (
    SELECT {ah}.JCCo,
           {ah}.Contract,
           SUM({ah}.Invoiced) AS Invoiced,
           SUM({ah}.Paid) AS Paid,
           SUM({ah}.Retainage) AS Retainage
    FROM {s}ARTH {ah} WITH (NOLOCK)
    WHERE {ah}.ARCo = {co}
      AND {ah}.Mth BETWEEN '{mth0}' AND '{mth1}'
      AND {ah}.Contract IS NOT NULL
    GROUP BY {ah}.JCCo, {ah}.Contract
)
SELECT {cm}.Contract,
       {cm}.Description,
       {am}.Name AS CustomerName,
       {cm}.ContractAmt,
       {cte}.Invoiced,
       {cte}.Paid,
       {cte}.Retainage,
       {cm}.ContractAmt - {cte}.Invoiced AS RemainingToBill
FROM {cte}
INNER JOIN {s}JCCM {cm} WITH (NOLOCK)
    ON {cm}.JCCo = {cte}.JCCo
   AND {cm}.Contract = {cte}.Contract
LEFT JOIN {s}ARCM {am} WITH (NOLOCK)
    ON {am}.CustGroup = {cm}.CustGroup
   AND {am}.Customer = {cm}.Customer
WHERE {cm}.ContractStatus = 1
ORDER BY {cm}.Contract;
""",
    "pr_hours_by_employee_job": """\
-- Payroll hours by employee and job for the period ending {enddate}
SELECT {eh}.Employee,
       {eh}.LastName + ', ' + {eh}.FirstName AS EmployeeName,
       {pt}.Job,
       {jm}.Description AS JobDescription,
       {pt}.Craft,
       {pt}.Class,
       SUM(CASE WHEN {pt}.EarnCode = {earn} THEN {pt}.Hours ELSE 0 END) AS RegularHours,
       SUM(CASE WHEN {pt}.EarnCode <> {earn} THEN {pt}.Hours ELSE 0 END) AS OtherHours,
       SUM({pt}.Hours) AS TotalHours,
       SUM({pt}.Amt) AS Earnings
FROM {s}PRTH {pt} WITH (NOLOCK)
INNER JOIN {s}PREH {eh} WITH (NOLOCK)
    ON {eh}.PRCo = {pt}.PRCo
   AND {eh}.Employee = {pt}.Employee
LEFT JOIN {s}JCJM {jm} WITH (NOLOCK)
    ON {jm}.JCCo = {pt}.JCCo
   AND {jm}.Job = {pt}.Job
WHERE {pt}.PRCo = {co}
  AND {pt}.PRGroup = {group}
  AND {pt}.PREndDate = '{enddate}'
GROUP BY {eh}.Employee, {eh}.LastName, {eh}.FirstName, {pt}.Job, {jm}.Description,
         {pt}.Craft, {pt}.Class
ORDER BY {eh}.LastName, {eh}.FirstName, {pt}.Job;
""",
    "pr_earnings_by_code": """\
-- Earnings by earn code, {date0} to {date}
SELECT {pt}.EarnCode,
       {ec}.Description AS EarnDescription,
       {ec}.Method,
       COUNT(DISTINCT {pt}.Employee) AS Employees,
       SUM({pt}.Hours) AS Hours,
       SUM({pt}.Amt) AS Amount,
       CASE WHEN SUM({pt}.Hours) = 0 THEN NULL
            ELSE SUM({pt}.Amt) / SUM({pt}.Hours) END AS AvgRate
FROM {s}PRTH {pt} WITH (NOLOCK)
INNER JOIN {s}PREC {ec} WITH (NOLOCK)
    ON {ec}.PRCo = {pt}.PRCo
   AND {ec}.EarnCode = {pt}.EarnCode
WHERE {pt}.PRCo = {co}
  AND {pt}.PREndDate BETWEEN '{date0}' AND '{date}'
GROUP BY {pt}.EarnCode, {ec}.Description, {ec}.Method
ORDER BY Amount DESC;
""",
    "gl_trial_balance": """\
-- Trial balance for GL company {co}, period {mth0} to {mth1}
SELECT {ga}.GLAcct,
       {ga}.Description,
       {ga}.AcctType,
       SUM(CASE WHEN {gd}.Mth < '{mth0}' THEN {gd}.Amount ELSE 0 END) AS BeginningBalance,
       SUM(CASE WHEN {gd}.Mth >= '{mth0}' AND {gd}.Amount > 0
                THEN {gd}.Amount ELSE 0 END) AS Debits,
       SUM(CASE WHEN {gd}.Mth >= '{mth0}' AND {gd}.Amount < 0
                THEN -{gd}.Amount ELSE 0 END) AS Credits,
       SUM(ISNULL({gd}.Amount, 0)) AS EndingBalance
FROM {s}GLAC {ga} WITH (NOLOCK)
LEFT JOIN {s}GLDT {gd} WITH (NOLOCK)
    ON {gd}.GLCo = {ga}.GLCo
   AND {gd}.GLAcct = {ga}.GLAcct
   AND {gd}.Mth <= '{mth1}'
WHERE {ga}.GLCo = {co}
  AND {ga}.Active = 'Y'
  AND {ga}.AcctType IN ('A', 'L', 'C')
GROUP BY {ga}.GLAcct, {ga}.Description, {ga}.AcctType
ORDER BY {ga}.GLAcct;
""",
    "gl_detail_by_source": """\
-- GL detail posted from {source} to accounts {acct}%
SELECT TOP ({top})
       {gd}.Mth,
       {gd}.GLTrans,
       {gd}.GLAcct,
       {ga}.Description AS AccountDescription,
       {gd}.Jrnl,
       {gd}.GLRef,
       {gd}.Source,
       {gd}.ActDate,
       {gd}.Description,
       {gd}.Amount
FROM {s}GLDT {gd} WITH (NOLOCK)
INNER JOIN {s}GLAC {ga} WITH (NOLOCK)
    ON {ga}.GLCo = {gd}.GLCo
   AND {ga}.GLAcct = {gd}.GLAcct
WHERE {gd}.GLCo = {co}
  AND {gd}.Source = '{source}'
  AND {gd}.GLAcct LIKE '{acct}%'
  AND {gd}.Mth = '{mth1}'
ORDER BY {gd}.GLAcct, {gd}.GLTrans;
""",
    "gl_summary_by_journal": """\
-- Net activity by account and journal, {mth0} to {mth1}
SELECT {gs}.GLAcct,
       {ga}.Description,
       {gs}.Jrnl,
       SUM({gs}.NetAmt) AS NetAmount,
       SUM(CASE WHEN {gs}.Adjust = 'Y' THEN {gs}.NetAmt ELSE 0 END) AS Adjustments
FROM {s}GLAS {gs} WITH (NOLOCK)
INNER JOIN {s}GLAC {ga} WITH (NOLOCK)
    ON {ga}.GLCo = {gs}.GLCo
   AND {ga}.GLAcct = {gs}.GLAcct
WHERE {gs}.GLCo = {co}
  AND {gs}.Mth BETWEEN '{mth0}' AND '{mth1}'
GROUP BY {gs}.GLAcct, {ga}.Description, {gs}.Jrnl
HAVING SUM({gs}.NetAmt) <> 0
ORDER BY {gs}.GLAcct, {gs}.Jrnl;
""",
    "employee_roster": """\
-- Active employee roster for PR company {co}
SELECT {eh}.Employee,
       {eh}.LastName,
       {eh}.FirstName,
       {eh}.PRDept,
       {pd}.Description AS DepartmentName,
       {eh}.Craft,
       {eh}.Class,
       {eh}.HireDate,
       CASE
           WHEN {eh}.TermDate IS NOT NULL THEN 'Terminated'
           WHEN {eh}.HireDate >= '{date0}' THEN 'New hire'
           ELSE 'Active'
       END AS RosterStatus,
       {eh}.HrlyRate
FROM {s}PREH {eh} WITH (NOLOCK)
LEFT JOIN {s}PRDP {pd} WITH (NOLOCK)
    ON {pd}.PRCo = {eh}.PRCo
   AND {pd}.PRDept = {eh}.PRDept
WHERE {eh}.PRCo = {co}
  AND {eh}.ActiveYN = 'Y'
  AND {eh}.PRGroup = {group}
ORDER BY {eh}.LastName, {eh}.FirstName;
""",
    "job_cost_ap_vendor": """\
-- AP cost posted to job {job} by vendor, {mth0} through {mth1}
SELECT {cd}.Job,
       {cd}.Vendor,
       {vm}.Name AS VendorName,
       COUNT(*) AS Transactions,
       SUM({cd}.ActualCost) AS ActualCost,
       SUM({cd}.RemainCmtdCost) AS RemainingCommitted,
       MAX({cd}.ActualDate) AS LastActivity
FROM {s}JCCD {cd} WITH (NOLOCK)
INNER JOIN {s}APVM {vm} WITH (NOLOCK)
    ON {vm}.VendorGroup = {cd}.VendorGroup
   AND {vm}.Vendor = {cd}.Vendor
WHERE {cd}.JCCo = {co}
  AND {cd}.Job = '{job}'
  AND {cd}.JCTransType = 'AP'
  AND {cd}.Mth BETWEEN '{mth0}' AND '{mth1}'
GROUP BY {cd}.Job, {cd}.Vendor, {vm}.Name
ORDER BY ActualCost DESC;
""",
    "jobs_without_cost": """\
-- Open jobs with no cost posted in {mth1}
SELECT {jm}.JCCo,
       {jm}.Job,
       {jm}.Description,
       {jm}.ProjectMgr,
       {jm}.Contract
FROM {s}JCJM {jm} WITH (NOLOCK)
WHERE {jm}.JCCo = {co}
  AND {jm}.JobStatus = 1
  AND NOT EXISTS (
      SELECT 1
      FROM {s}JCCD {cd} WITH (NOLOCK)
      WHERE {cd}.JCCo = {jm}.JCCo
        AND {cd}.Job = {jm}.Job
        AND {cd}.Mth = '{mth1}'
  )
ORDER BY {jm}.Job;
""",
    "job_cost_by_source": """\
-- Cost to job {job} by source: AP invoices and payroll
SELECT 'AP' AS CostSource,
       {tl}.Phase,
       {tl}.JCCType AS CostType,
       SUM({tl}.GrossAmt) AS Amount
FROM {s}APTL {tl} WITH (NOLOCK)
WHERE {tl}.JCCo = {co}
  AND {tl}.Job = '{job}'
  AND {tl}.Mth BETWEEN '{mth0}' AND '{mth1}'
GROUP BY {tl}.Phase, {tl}.JCCType
UNION ALL
SELECT 'PR' AS CostSource,
       {pt}.Phase,
       NULL AS CostType,
       SUM({pt}.Amt) AS Amount
FROM {s}PRTH {pt} WITH (NOLOCK)
WHERE {pt}.JCCo = {co}
  AND {pt}.Job = '{job}'
  AND {pt}.PREndDate BETWEEN '{date0}' AND '{date}'
GROUP BY {pt}.Phase
ORDER BY Phase, CostSource;
""",
    "contract_items": """\
-- Contract items for contract {contract}
SELECT {cm}.Contract,
       {cm}.Description AS ContractDescription,
       {ci}.Item,
       {ci}.Description AS ItemDescription,
       {ci}.UM,
       {ci}.ContractUnits,
       {ci}.UnitPrice,
       {ci}.ContractAmt,
       {ci}.BilledAmt,
       {ci}.ContractAmt - {ci}.BilledAmt AS LeftToBill,
       CASE WHEN {ci}.ContractAmt = 0 THEN 0
            ELSE {ci}.BilledAmt / {ci}.ContractAmt END AS PctBilled
FROM {s}JCCM {cm} WITH (NOLOCK)
INNER JOIN {s}JCCI {ci} WITH (NOLOCK)
    ON {ci}.JCCo = {cm}.JCCo
   AND {ci}.Contract = {cm}.Contract
WHERE {cm}.JCCo = {co}
  AND {cm}.Contract = '{contract}'
ORDER BY {ci}.Item;
""",
    "declared_month_cost": """\
-- Month-end job cost summary using variables
DECLARE @JCCo bCompany = {co};
DECLARE @Mth bMonth = '{mth1}';

SELECT {cd}.Job,
       {jm}.Description,
       SUM({cd}.ActualCost) AS MonthCost,
       SUM({cd}.ActualHours) AS MonthHours,
       SUM(CASE WHEN {cd}.JCTransType = 'PR' THEN {cd}.ActualCost ELSE 0 END) AS LaborCost
FROM {s}JCCD {cd} WITH (NOLOCK)
INNER JOIN {s}JCJM {jm} WITH (NOLOCK)
    ON {jm}.JCCo = {cd}.JCCo
   AND {jm}.Job = {cd}.Job
WHERE {cd}.JCCo = @JCCo
  AND {cd}.Mth = @Mth
GROUP BY {cd}.Job, {jm}.Description
ORDER BY MonthCost DESC;
""",
}

ALIASES: dict[str, list[str]] = {
    "cd": ["cd", "d", "jccd", "det", "c"],
    "jm": ["jm", "j", "job", "jcjm"],
    "ct": ["ct", "t", "jcct", "typ"],
    "cp": ["cp", "p", "jccp", "prj"],
    "ch": ["ch", "h", "jcch", "bud"],
    "cm": ["cm", "k", "jccm", "con"],
    "ci": ["ci", "i", "jcci", "itm"],
    "th": ["th", "h", "apth", "inv", "hdr"],
    "tl": ["tl", "l", "aptl", "ln", "line"],
    "td": ["td", "dt", "aptd", "pay"],
    "vm": ["vm", "v", "apvm", "vend"],
    "ah": ["ah", "a", "arth", "tr"],
    "am": ["am", "cu", "arcm", "cust"],
    "pt": ["pt", "t", "prth", "tc"],
    "eh": ["eh", "e", "preh", "emp"],
    "ec": ["ec", "ern", "prec", "codes"],
    "pd": ["pd", "dept", "prdp", "dp"],
    "gd": ["gd", "g", "gldt", "gl"],
    "ga": ["ga", "acct", "glac", "a"],
    "gs": ["gs", "s1", "glas", "summ"],
    "cte": ["totals", "cost", "billed", "agg", "sums", "x"],
}

SOURCES = ["AP Entry", "PR Update", "JC CostAdj", "AR Receipt", "GL Jrnl", "EM Adj"]


def _literals(rng: random.Random) -> dict[str, object]:
    year = rng.choice([2023, 2024, 2025, 2026])
    month = rng.randint(2, 12)
    start = rng.randint(1, month - 1)
    day = rng.randint(1, 28)
    return {
        "co": rng.choice([1, 1, 1, 2, 5, 10, 20, 101]),
        "job": f"{rng.randint(10, 26)}-{rng.randint(1000, 9999)}",
        "contract": f"{rng.randint(10, 26)}-{rng.randint(1000, 9999)}",
        "mth0": f"{year}-{start:02d}-01",
        "mth1": f"{year}-{month:02d}-01",
        "date0": f"{year}-{start:02d}-{rng.randint(1, 28):02d}",
        "date": f"{year}-{month:02d}-{day:02d}",
        "enddate": f"{year}-{month:02d}-{day:02d}",
        "amount": rng.choice([0, 100, 500, 1000, 2500, 10000]),
        "pct": rng.choice(["0.8", "0.85", "0.9", "0.95"]),
        "group": rng.randint(1, 9),
        "earn": rng.choice([1, 1, 2, 5, 10]),
        "top": rng.choice([100, 500, 1000, 5000]),
        "acct": f"{rng.randint(1, 9)}{rng.randint(0, 999):03d}",
        "source": rng.choice(SOURCES),
        "s": rng.choice(["", "", "dbo."]),
    }


def render(name: str, rng: random.Random) -> str:
    template = TEMPLATES[name]
    roles = sorted(set(re.findall(r"\{(\w+)\}", template)) & ALIASES.keys())
    while True:
        chosen = {role: rng.choice(ALIASES[role]) for role in roles}
        if len(set(chosen.values())) == len(chosen):
            break
    return template.format(**chosen, **_literals(rng))


# A typical mistake, applied to a share of the statements: (name, pattern, replacement).
# Each finds the first match of its pattern at or after a random point in the statement.
_DEFECTS: list[tuple[str, re.Pattern[str], object]] = [
    ("missing NOLOCK", re.compile(r" WITH \(NOLOCK\)"), ""),
    ("wrong-case column", re.compile(r"\.(ActualCost|Description|Amount|Job|Vendor|Name)\b"),
     lambda m: "." + m.group(1).lower()),
    ("partial key join", re.compile(r"\n\s+AND (\w+)\.(\w+) = (\w+)\.\2(?=\n)"), ""),
    ("misspelt column", re.compile(r"\.(Description|Phase|Amount|Customer)\b"),
     lambda m: "." + {"Description": "Descripton", "Phase": "Phse", "Amount": "Amont",
                      "Customer": "Custmer"}[m.group(1)]),
    ("misspelt object", re.compile(r"\b(JCJM|APVM|ARCM|GLAC)(?= \w+ WITH)"),
     lambda m: {"JCJM": "JCJN", "APVM": "APVN", "ARCM": "ACRM", "GLAC": "GLCA"}[m.group(1)]),
]


def mutate(sql: str, rng: random.Random, rate: float, tally: Counter[str]) -> str:
    if rng.random() >= rate:
        return sql
    for name, pattern, replacement in rng.sample(_DEFECTS, len(_DEFECTS)):
        matches = list(pattern.finditer(sql))
        if not matches:
            continue
        match = rng.choice(matches)
        new = replacement(match) if callable(replacement) else replacement
        tally[name] += 1
        return sql[:match.start()] + str(new) + sql[match.end():]
    return sql


def make_script(rng: random.Random, lines: int, rate: float,
                tally: Counter[str]) -> tuple[str, int]:
    """A report script of exactly ``lines`` lines (statements, a GO every few); the count."""
    out = ["-- Monthly close reports (generated for benchmarking)", "SET NOCOUNT ON;", ""]
    count = 0
    go_every = rng.randint(4, 8)
    shortest = min(t.count("\n") for t in TEMPLATES.values())
    for _ in range(100 * lines):
        room = lines - len(out)
        sql = render(rng.choice(list(TEMPLATES)), rng)
        if sql.count("\n") + 1 > room:  # near the end: only a statement that fits
            if room < shortest:
                break
            continue
        out += [*mutate(sql, rng, rate, tally).splitlines(), ""]
        count += 1
        if count % go_every == 0 and len(out) < lines - 20:
            out += ["GO", ""]
    out += [""] * (lines - len(out))
    return "\n".join(out[:lines]) + "\n", count


def _as_view(sql: str, name: str) -> str:
    """A report query wrapped as CREATE VIEW: no ORDER BY, no trailing semicolon."""
    sql = re.sub(r"\nORDER BY [^\n]*(\n\s+[^\n]*)*;\n$", "\n", sql).rstrip().rstrip(";")
    if "DECLARE @" in sql or "ORDER BY" in sql.split("\n")[-1]:
        return ""
    comment, _, body = sql.partition("\n")
    return f"{comment}\nCREATE VIEW dbo.{name}\nAS\n{body}\nGO\n"


def make_file(rng: random.Random, index: int, rate: float, tally: Counter[str]) -> str:
    """A view-sized file of 20-60 lines: a view definition, or a short report script."""
    target = rng.randint(20, 60)
    header = [f"-- udv report {index:04d}", f"-- Author: {rng.choice(['jd', 'mk', 'ar', 'ts'])}",
              f"-- Created: 2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}"]
    body: list[str] = []
    as_view = rng.random() < 0.5
    for _ in range(20):
        sql = render(rng.choice(list(TEMPLATES)), rng)
        if as_view and not body:
            sql = _as_view(sql, f"udvReport{index:04d}") or sql
        candidate = "\n".join(header + body + [sql])
        if candidate.count("\n") + 1 > 60:
            continue
        body.append(mutate(sql, rng, rate, tally))
        if candidate.count("\n") + 1 >= target or (as_view and "CREATE VIEW" in body[0]):
            break
    text = "\n".join(header + body)
    while text.count("\n") + 1 < 20:
        text += "\n-- (intentionally left blank)"
    return text + "\n"


# ---------------------------------------------------------------------------------------------
# Child processes: each measurement that must start cold runs in a fresh interpreter.
# ---------------------------------------------------------------------------------------------

_CATALOG = None


def _init_worker(catalog_path: str) -> None:
    global _CATALOG
    from vgpt2.catalog.catalog import Catalog

    _CATALOG = Catalog.open(Path(catalog_path))


def _analyze_file(path: str) -> tuple[str, list[str]]:
    from vgpt2.server.analysis import analyze

    text = Path(path).read_text()
    return path, [f.code for f in analyze(text, _CATALOG)]  # type: ignore[arg-type]


def child_script(catalog_path: str, script_path: str) -> dict[str, float]:
    """Cold numbers for the 1,000-line file in a fresh process."""
    started = time.perf_counter()
    from vgpt2.catalog.catalog import Catalog
    from vgpt2.server.analysis import analyze

    imported = time.perf_counter()
    catalog = Catalog.open(Path(catalog_path))
    opened = time.perf_counter()
    text = Path(script_path).read_text()
    first = time.perf_counter()
    findings = analyze(text, catalog)
    done = time.perf_counter()
    return {"import_s": imported - started, "open_s": opened - imported,
            "first_s": done - first, "findings": len(findings)}


def child_folder(catalog_path: str, folder: str, workers: int) -> dict[str, object]:
    """Analyze every .sql file under ``folder``; wall time from process start to last result."""
    started = time.perf_counter()
    files = sorted(str(p) for p in Path(folder).rglob("*.sql"))
    codes: Counter[str] = Counter()
    if workers <= 1:
        _init_worker(catalog_path)
        for path in files:
            codes.update(_analyze_file(path)[1])
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, initializer=_init_worker,
                                 initargs=(catalog_path,)) as pool:
            for _, found in pool.map(_analyze_file, files, chunksize=25):
                codes.update(found)
    return {"files": len(files), "in_process_s": time.perf_counter() - started,
            "codes": dict(codes)}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run_child(*args: str) -> tuple[dict[str, object], float]:
    """Run a measurement in a fresh interpreter: its JSON, its wall time.

    The CPU time of the child and its pool workers goes into ``measured["cpu_s"]``;
    wall time on a shared 2-core machine varies with the neighbours, CPU time much less.
    """
    cpu = _children_cpu()
    started = time.perf_counter()
    result = subprocess.run([sys.executable, __file__, "--child", *args],
                            capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    measured["cpu_s"] = _children_cpu() - cpu
    return measured, wall


# ---------------------------------------------------------------------------------------------
# sqlfluff, through its own interpreter.
# ---------------------------------------------------------------------------------------------

FLUFF_STRING = """
import json, statistics, sys, time
started = time.perf_counter()
from sqlfluff.core import Linter
linter = Linter(dialect="tsql")
ready = time.perf_counter()
text = open(sys.argv[1]).read()
runs = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    result = linter.lint_string(text)
    runs.append(time.perf_counter() - t)
violations = result.get_violations()
codes = {}
for v in violations:
    codes[v.rule_code()] = codes.get(v.rule_code(), 0) + 1
print(json.dumps({"setup_s": ready - started, "runs": runs, "codes": codes}))
"""


def fluff_string(python: str, path: Path, runs: int) -> dict[str, object]:
    result = subprocess.run([python, "-c", FLUFF_STRING, str(path), str(runs)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def fluff_folder(python: str, folder: Path, processes: int) -> tuple[float, dict[str, int], int]:
    """Wall time of ``sqlfluff lint --dialect tsql --processes N --format json <dir>``."""
    started = time.perf_counter()
    result = subprocess.run([python, "-m", "sqlfluff", "lint", "--dialect", "tsql",
                             "--processes", str(processes), "--format", "json",
                             "--disable-progress-bar", str(folder)],
                            capture_output=True, text=True)
    wall = time.perf_counter() - started
    if result.returncode not in (0, 1):  # 1 = violations found
        raise RuntimeError(f"sqlfluff failed ({result.returncode}): {result.stderr[-2000:]}")
    files = json.loads(result.stdout)
    codes: Counter[str] = Counter()
    for entry in files:
        for violation in entry.get("violations", []):
            codes[violation.get("code", "?")] += 1
    return wall, dict(codes), len(files)


# ---------------------------------------------------------------------------------------------


PHASES = [
    ("sqlglot parse_one (its tokenizer + parser)", "sqlglot/__init__.py", "parse_one"),
    ("Resolver.statement (name resolution)", "analysis/resolver.py", "statement"),
    ("check VG006 partial-key-join", "rules/vg006_partial_key_join.py", "check"),
    ("  of which Catalog.join_path (SQLite query per join, not cached)", "catalog/catalog.py",
     "join_path"),
    ("vgpt2 tokenize (catalog/sql/tokens.py)", "sql/tokens.py", "iter_tokens"),
    ("split_statements", "analysis/statements.py", "split_statements"),
    ("_mark_file_offsets", "analysis/analyzer.py", "_mark_file_offsets"),
]


def profile_script(catalog: object, text: str, top: int = 15) -> str:
    """Where the time goes (cumulative shares under cProfile: approximate), then hotspots."""
    from vgpt2.server.analysis import analyze

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(3):
        analyze(text, catalog)  # type: ignore[arg-type]
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    cumulative: Counter[tuple[str, str]] = Counter()
    for (filename, _, function), row in stats.stats.items():  # type: ignore[attr-defined]
        path = Path(filename)
        cumulative[(f"{path.parent.name}/{path.name}", function)] += row[3]
    total = cumulative[("analysis/analyzer.py", "analyze")] or 1.0
    out.write("| phase (cProfile cumulative, 3 runs) | share of analyze() |\n|---|---|\n")
    for label, filename, function in PHASES:
        out.write(f"| {label} | {cumulative[(filename, function)] / total:.0%} |\n")
    out.write("\n")
    stats.strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def _fmt_codes(codes: dict[str, int]) -> str:
    return ", ".join(f"{c} {n}" for c, n in sorted(codes.items())) or "none"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schema", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "vista-schema")
    parser.add_argument("--runs", type=int, default=7, help="warm runs of the 1,000-line file")
    parser.add_argument("--folder-runs", type=int, default=3, help="runs of each folder measure")
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--defect-rate", type=float, default=0.1,
                        help="share of statements given a typical mistake")
    parser.add_argument("--sqlfluff", help="python interpreter that has sqlfluff installed")
    parser.add_argument("--sqlfluff-subset", type=int, default=200,
                        help="files sqlfluff lints when the full folder would take > 5 min")
    parser.add_argument("--sqlfluff-full", action="store_true",
                        help="lint the full folder with sqlfluff however long it takes")
    parser.add_argument("--profile", action="store_true", help="print cProfile hotspots")
    parser.add_argument("--keep", action="store_true", help="keep the generated inputs")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        kind, *rest = args.child
        if kind == "script":
            print(json.dumps(child_script(*rest)))
        else:
            print(json.dumps(child_folder(rest[0], rest[1], int(rest[2]))))
        return

    from vgpt2.catalog.build import build_catalog
    from vgpt2.catalog.catalog import Catalog
    from vgpt2.server.analysis import analyze

    workdir = Path(tempfile.mkdtemp(prefix="vgpt2-analysis-bench-"))
    if not args.keep:
        atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    catalog_path = workdir / "vista.vgpt2db"
    build_catalog([args.schema], catalog_path)

    # Inputs.
    rng = random.Random(args.seed)
    script_tally: Counter[str] = Counter()
    script, statements = make_script(rng, args.lines, args.defect_rate, script_tally)
    script_path = workdir / "monthly_close.sql"
    script_path.write_text(script)
    folder = workdir / "views"
    folder.mkdir()
    folder_tally: Counter[str] = Counter()
    line_counts = []
    for index in range(args.files):
        text = make_file(rng, index, args.defect_rate, folder_tally)
        line_counts.append(text.count("\n"))
        (folder / f"udvReport{index:04d}.sql").write_text(text)
    folder_lines = sum(line_counts)

    # 1,000-line file: cold in a fresh process, then warm in this one.
    cold, _ = _run_child("script", str(catalog_path), str(script_path))
    catalog = Catalog.open(catalog_path)
    analyze(script, catalog)
    warm = []
    for _ in range(args.runs):
        started = time.perf_counter()
        findings = analyze(script, catalog)
        warm.append(time.perf_counter() - started)
    script_codes = dict(Counter(f.code for f in findings))

    # Folder: fresh process each run, wall time as the user sees it (interpreter start included).
    pool_walls, single_walls, pool_cpu, single_cpu = [], [], [], []
    folder_codes: dict[str, int] = {}
    for _ in range(args.folder_runs):
        measured, wall = _run_child("folder", str(catalog_path), str(folder), "2")
        pool_walls.append(wall)
        pool_cpu.append(measured["cpu_s"])
        folder_codes = measured["codes"]  # type: ignore[assignment]
    for _ in range(args.folder_runs):
        measured, wall = _run_child("folder", str(catalog_path), str(folder), "1")
        single_walls.append(wall)
        single_cpu.append(measured["cpu_s"])
    assert measured["codes"] == folder_codes, "pool and single process disagree"

    # sqlfluff.
    fluff: dict[str, object] = {}
    if args.sqlfluff:
        version = subprocess.run([args.sqlfluff, "-m", "sqlfluff", "--version"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        fluff["version"] = version
        fluff_runs = max(3, min(args.runs, 5))
        measured_string = fluff_string(args.sqlfluff, script_path, fluff_runs)
        fluff["string"] = measured_string
        # A subset first (like for like with vgpt2 at that size); the full folder only if
        # the subset says it takes under ~5 minutes.
        count = min(args.sqlfluff_subset, args.files)
        subset = workdir / "fluff-subset"
        subset.mkdir()
        for path in sorted(folder.glob("*.sql"))[:count]:
            shutil.copy(path, subset)
        wall, codes, linted = fluff_folder(args.sqlfluff, subset, 2)
        subset_walls = [_run_child("folder", str(catalog_path), str(subset), "2")[1]
                        for _ in range(args.folder_runs)]
        estimate = wall * args.files / count
        fluff.update(subset_wall=wall, subset_files=linted, subset_codes=codes,
                     vgpt2_subset_wall=statistics.median(subset_walls), estimate_s=estimate,
                     folder_wall=None)
        if count < args.files and (estimate <= 300 or args.sqlfluff_full):
            wall, codes, linted = fluff_folder(args.sqlfluff, folder, 2)
            fluff.update(folder_wall=wall, folder_files=linted, folder_codes=codes)

    # Report.
    warm_median = statistics.median(warm)
    pool_median = statistics.median(pool_walls)
    single_median = statistics.median(single_walls)
    print(f"schema: {args.schema} ({catalog.stats()})")
    print(f"1,000-line file: {script.count(chr(10))} lines, {statements} statements, "
          f"{len(findings)} findings ({_fmt_codes(script_codes)}); "
          f"defects planted: {dict(script_tally)}")
    print(f"folder: {args.files} files, {min(line_counts)}-{max(line_counts)} lines "
          f"(median {statistics.median(line_counts):.0f}), {folder_lines:,} lines in all; "
          f"findings {_fmt_codes(folder_codes)}; defects planted: {dict(folder_tally)}")
    rows = [
        ("1,000-line file: first run in a fresh process (cold)",
         f"{cold['first_s'] * 1000:.0f} ms", "-"),
        ("  import vgpt2 + open catalog before it",
         f"{(cold['import_s'] + cold['open_s']) * 1000:.0f} ms", "-"),
        (f"1,000-line file: warm, median of {args.runs}", f"{warm_median * 1000:.1f} ms",
         "< 50 ms"),
        ("  min / max", f"{min(warm) * 1000:.1f} / {max(warm) * 1000:.1f} ms", "-"),
        (f"{args.files} files, 2 worker processes (wall, fresh process), median of "
         f"{args.folder_runs}", f"{pool_median:.2f} s", "< 10 s"),
        ("  min / max; CPU time of the run (both workers), median",
         f"{min(pool_walls):.2f} / {max(pool_walls):.2f} s; "
         f"{statistics.median(pool_cpu):.2f} s", "-"),
        (f"{args.files} files, single process (wall), median of {args.folder_runs}",
         f"{single_median:.2f} s", "-"),
        ("  min / max; CPU time, median",
         f"{min(single_walls):.2f} / {max(single_walls):.2f} s; "
         f"{statistics.median(single_cpu):.2f} s", "-"),
        ("  per file, single process", f"{single_median / args.files * 1000:.2f} ms", "-"),
    ]
    if fluff:
        string_runs = fluff["string"]["runs"]  # type: ignore[index]
        fluff_median = statistics.median(string_runs)
        rows.append((f"sqlfluff: 1,000-line file, in-process lint_string, median of "
                     f"{len(string_runs)} (first {string_runs[0]:.2f} s)",
                     f"{fluff_median:.2f} s", "-"))
        rows.append(("  ratio sqlfluff / vgpt2 (warm medians)",
                     f"{fluff_median / warm_median:.0f}x", "-"))
        rows.append((f"sqlfluff: first {fluff['subset_files']} files, --processes 2 (wall)",
                     f"{fluff['subset_wall']:.1f} s", "-"))
        rows.append(("  vgpt2 on the same files, 2 workers (wall), ratio sqlfluff / vgpt2",
                     f"{fluff['vgpt2_subset_wall']:.2f} s, "
                     f"{fluff['subset_wall'] / fluff['vgpt2_subset_wall']:.0f}x", "-"))
        if fluff["folder_wall"] is not None:
            rows.append((f"sqlfluff: {fluff['folder_files']} files, --processes 2 (wall)",
                         f"{fluff['folder_wall']:.1f} s", "-"))
            full = fluff["folder_wall"]
            how = "measured"
        else:
            rows.append((f"sqlfluff: {args.files} files, extrapolated from the subset "
                         "(not measured: over ~5 min)", f"{fluff['estimate_s']:.0f} s", "-"))
            full = fluff["estimate_s"]
            how = "extrapolated"
        rows.append((f"  ratio sqlfluff / vgpt2, {args.files} files, 2 processes each ({how})",
                     f"{full / pool_median:.0f}x", "-"))  # type: ignore[operator]
    print("| measure | value | target |\n|---|---|---|")
    for name, value, target in rows:
        print(f"| {name} | {value} | {target} |")
    if fluff:
        print(f"\n{fluff['version']}; default rules, dialect tsql. "
              f"1,000-line file violations: {_fmt_codes(fluff['string']['codes'])}")  # type: ignore[index]
        if fluff["folder_wall"] is not None:
            print(f"folder violations ({fluff['folder_files']} files): "
                  f"{_fmt_codes(fluff['folder_codes'])}")  # type: ignore[arg-type]
        else:
            print(f"subset violations ({fluff['subset_files']} files): "
                  f"{_fmt_codes(fluff['subset_codes'])}")  # type: ignore[arg-type]
    else:
        print("\nsqlfluff: skipped (pass --sqlfluff /path/to/python-with-sqlfluff to compare)")

    missed = warm_median >= 0.050 or pool_median >= 10
    if args.profile or missed:
        print("\n" + ("target missed: " if missed else "") + "cProfile, 3 warm runs of the "
              "1,000-line file\n")
        print(profile_script(catalog, script))
    if args.keep:
        print(f"inputs kept in {workdir}")


if __name__ == "__main__":
    main()
