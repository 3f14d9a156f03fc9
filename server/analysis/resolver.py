"""Decide what every name in a parsed statement refers to: the statements themselves.

One walk over the syntax tree per statement. Queries, sources and columns are
resolved by :class:`~vgpt2.server.analysis.scopes.ScopeResolver`; this adds what
each kind of statement declares or writes: temp tables and table variables that
later statements of the file see (:class:`~vgpt2.server.analysis.scopes.Session`),
INSERT/UPDATE/DELETE/MERGE targets whose SET and column lists name the target's
columns, EXEC targets.
"""

from __future__ import annotations

from sqlglot import exp
from vgpt2.server.analysis.model import Source, SourceKind, StatementModel
from vgpt2.server.analysis.scopes import ScopeResolver


class Resolver(ScopeResolver):
    """Resolve one parsed statement into a :class:`StatementModel`."""

    def statement(self, tree: exp.Expr) -> StatementModel:
        if isinstance(tree, exp.Create):
            self._create(tree)
        elif isinstance(tree, exp.Alter):
            self._alter(tree)
        elif isinstance(tree, exp.Declare):
            self._declare(tree)
        elif isinstance(tree, exp.Execute):
            self._execute(tree)
        elif isinstance(tree, exp.Insert):
            self._insert(tree, [])
        elif isinstance(tree, (exp.Update, exp.Delete)):
            self._update_or_delete(tree, [])
        elif isinstance(tree, exp.Merge):
            self._merge(tree, [])
        elif isinstance(tree, exp.Query):
            self._query(tree, [], {})
        else:
            self._expressions(tree, [], {})
        return self.model


    # -- other statements --------------------------------------------------------------------

    def _create(self, tree: exp.Create) -> None:
        schema = tree.this
        if not isinstance(schema, exp.Schema) or not isinstance(schema.this, exp.Table):
            return
        table = schema.this
        columns = {d.name.lower(): d.name for d in schema.expressions
                   if isinstance(d, exp.ColumnDef)}
        self._declare_temp(table, columns)

    def _alter(self, tree: exp.Alter) -> None:
        """ALTER TABLE #t ADD col ...: later statements see the new column."""
        table = tree.this
        if not isinstance(table, exp.Table):
            return
        known = self.session.temp_tables.get(table.name.lstrip("#").lower())
        if known is None:
            return
        for action in tree.args.get("actions") or []:
            if isinstance(action, exp.ColumnDef):
                known[action.name.lower()] = action.name

    def _declare(self, tree: exp.Declare) -> None:
        for item in tree.expressions:
            kind = item.args.get("kind")
            names = item.this if isinstance(item.this, list) else [item.this]
            if isinstance(kind, exp.Schema):
                columns = {d.name.lower(): d.name for d in kind.expressions
                           if isinstance(d, exp.ColumnDef)}
                for name in names:
                    if isinstance(name, exp.Parameter):
                        self.session.table_variables["@" + name.name.lower()] = columns
            default = item.args.get("default")
            if isinstance(default, exp.Expr):
                self._expressions(default, [], {})

    def _execute(self, tree: exp.Execute) -> None:
        target = tree.this
        if isinstance(target, exp.Table) and isinstance(target.this, exp.Identifier):
            name = target.name
            if not name.lower().startswith(("sp_", "xp_")) and not target.catalog:
                self._record_routine(name, target.this)

    def _insert(self, tree: exp.Insert, outer: list[dict[str, Source]]) -> None:
        target = tree.this
        table = target.this if isinstance(target, exp.Schema) else target
        frame: dict[str, Source] = {}
        if isinstance(table, exp.Table):
            source = self._table_source(table, {}, read=False)
            if source.kind in (SourceKind.CATALOG, SourceKind.MISSING):
                self._add_table_ref(table, source, read=False)
            frame[source.alias] = source
            if isinstance(target, exp.Schema):
                for identifier in target.expressions:
                    if isinstance(identifier, exp.Identifier):
                        self._column(exp.Column(this=identifier), [frame])
        ctes = self._ctes(tree, outer, {})  # WITH c AS (...) INSERT ... SELECT ... FROM c
        body = tree.expression
        if isinstance(body, exp.Query):
            self._query(body, outer, ctes)
        elif isinstance(body, exp.Expr):
            self._expressions(body, outer, ctes)

    def _update_or_delete(self, tree: exp.Update | exp.Delete,
                          outer: list[dict[str, Source]]) -> None:
        frame: dict[str, Source] = {}
        ctes = self._ctes(tree, outer, {})
        from_ = tree.args.get("from_")
        sources: list[exp.Expr] = []
        joins = list(tree.args.get("joins") or [])
        if isinstance(from_, exp.From):
            sources.append(from_.this)
            joins += from_.this.args.get("joins") or []  # UPDATE ... FROM a JOIN b
        target = tree.this
        if isinstance(tree, exp.Delete) and tree.args.get("tables") and isinstance(
            tree.this, exp.Table
        ):
            # DELETE t FROM bX t JOIN ...: sqlglot keeps the FROM table as "this".
            sources.append(tree.this)
            joins += tree.this.args.get("joins") or []
            target = tree.args["tables"][0]
        sources += [j.this for j in joins]
        for node in sources:
            self._add_source(node, frame, outer, ctes, read=False)
        target_source: Source | None = None
        if isinstance(target, exp.Table):
            written = target.name.lower().lstrip("#")
            target_source = next(
                (s for a, s in frame.items() if a.lower().lstrip("#") == written), None) or next(
                (s for s in frame.values() if s.name.lower().lstrip("#") == written), None)
            if target_source is None:
                target_source = self._table_source(target, ctes, read=False)
                if target_source.kind in (SourceKind.CATALOG, SourceKind.MISSING):
                    self._add_table_ref(target, target_source, read=False)
                frame[target_source.alias] = target_source
        for join in joins:
            if join.args.get("on") is not None:
                self._expressions(join.args["on"], [frame, *outer], ctes)
        for assignment in tree.args.get("expressions") or []:
            if (isinstance(assignment, exp.EQ) and isinstance(assignment.this, exp.Column)
                    and target_source is not None and not assignment.this.table):
                # SET Col = ...: the column is the UPDATE target's, whatever else is joined.
                self._column(assignment.this, [{target_source.alias: target_source}])
                self._expressions(assignment.expression, [frame, *outer], ctes)
            else:
                self._expressions(assignment, [frame, *outer], ctes)
        where = tree.args.get("where")
        if isinstance(where, exp.Expr):
            self._expressions(where, [frame, *outer], ctes)

    def _merge(self, tree: exp.Merge, outer: list[dict[str, Source]]) -> None:
        frame: dict[str, Source] = {}
        target: Source | None = None
        for node in (tree.this, tree.args.get("using")):
            if isinstance(node, exp.Expr):
                self._add_source(node, frame, outer, {}, read=False)
                if target is None:
                    target = next(reversed(frame.values()))
        on = tree.args.get("on")
        if isinstance(on, exp.Expr):
            self._expressions(on, [frame, *outer], {})
        whens = tree.args.get("whens")
        for when in whens.expressions if isinstance(whens, exp.Whens) else []:
            condition = when.args.get("condition")
            if isinstance(condition, exp.Expr):
                self._expressions(condition, [frame, *outer], {})
            action = when.args.get("then")
            if isinstance(action, exp.Insert) and target is not None:
                # INSERT (a, b) VALUES (...): the column list names the target's columns.
                columns = action.this if isinstance(action.this, exp.Tuple) else None
                names = columns.expressions if columns is not None else []
                own = {target.alias: target}
                for name in names:
                    if isinstance(name, exp.Column) and not name.table:
                        self._column(name, [own])
                    elif isinstance(name, exp.Expr):
                        self._expressions(name, [frame, *outer], {})
                values = action.expression
                if isinstance(values, exp.Expr):
                    self._expressions(values, [frame, *outer], {})
            elif isinstance(action, exp.Update) and target is not None:
                for assignment in action.expressions:
                    if isinstance(assignment, exp.EQ) and isinstance(assignment.this, exp.Column) \
                            and not assignment.this.table:
                        self._column(assignment.this, [{target.alias: target}])
                        self._expressions(assignment.expression, [frame, *outer], {})
                    else:
                        self._expressions(assignment, [frame, *outer], {})
            elif isinstance(action, exp.Expr):
                self._expressions(action, [frame, *outer], {})

