"""**What it finds.** A statement the T-SQL parser cannot read: a missing
parenthesis, a keyword out of place, an unterminated string or comment.

**Why it matters in Vista.** Nothing else can be checked in a statement that
does not parse, and SQL Server would reject it anyway. Other statements in the
same file and other `GO` batches are still checked.

Wrong:

```sql
SELECT APCo, Mth, APTrans FROM APTH WITH (NOLOCK) WHERE (APCo = 1
```

Right:

```sql
SELECT APCo, Mth, APTrans FROM APTH WITH (NOLOCK) WHERE (APCo = 1)
```

**Fix.** None automatic; the message points at the token where reading stopped.
"""

from __future__ import annotations

from vgpt2.server.analysis.findings import Severity
from vgpt2.server.analysis.rules.base import Rule

RULE = Rule("VG000", "syntax-error", Severity.ERROR, "The statement does not parse.",
            doc=__doc__ or "", parse_error=True)
"""No check here: the analyzer reports VG000 itself when a statement does not parse."""
