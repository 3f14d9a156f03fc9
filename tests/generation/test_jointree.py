"""The join tree: whole keys, header -> detail paths, no detours through unrelated modules."""

from __future__ import annotations

from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.model import RelationshipKind
from vgpt2.server.analysis.analyzer import analyze
from vgpt2.server.generation.jointree import JoinTree, fan_out_pairs, join_tree


def edge_columns(tree: JoinTree, child: str) -> list[str]:
    edge = tree.parent_edge(child)
    assert edge is not None, tree.describe()
    return [a for a, _ in edge.relationship.column_pairs]


def test_header_detail_on_the_whole_key(sample_catalog: Catalog) -> None:
    tree = join_tree(sample_catalog, ["APTH", "APTL"])
    assert tree.nodes == ("APTH", "APTL") and tree.unreached == ()
    assert edge_columns(tree, "APTL") == ["APCo", "Mth", "APTrans"]
    assert tree.describe() == ["APTH -> APTL ON APTL.APCo = APTH.APCo AND APTL.Mth = APTH.Mth "
                               "AND APTL.APTrans = APTH.APTrans"]


def test_contract_to_jobs(sample_catalog: Catalog) -> None:
    tree = join_tree(sample_catalog, ["JCCM", "JCJM"])
    assert edge_columns(tree, "JCJM") == ["JCCo", "Contract"]


def test_jccp_joins_on_its_composite_key(sample_catalog: Catalog) -> None:
    tree = join_tree(sample_catalog, ["JCCP", "JCCH"])
    assert set(edge_columns(tree, "JCCH")) == {"JCCo", "Job", "PhaseGroup", "Phase", "CostType"}


def test_base_tables_and_case_are_normalised(sample_catalog: Catalog) -> None:
    tree = join_tree(sample_catalog, ["bapth", "bAPTL", "Nowhere", "APTH"])
    assert tree.nodes == ("APTH", "APTL")


def test_group_keyed_master(sample_catalog: Catalog) -> None:
    tree = join_tree(sample_catalog, ["APTH", "APVM"])
    assert edge_columns(tree, "APVM") == ["VendorGroup", "Vendor"]


def test_detail_to_master_goes_through_the_header(sample_catalog: Catalog) -> None:
    tree = join_tree(sample_catalog, ["APTD", "APVM"])
    assert tree.intermediates == ("APTH",), tree.describe()


def test_no_path_through_a_company_table(sample_catalog: Catalog) -> None:
    # HQUM and GLJR share nothing but hubs: no tree rather than a cross product.
    tree = join_tree(sample_catalog, ["HQUM", "GLJR"])
    assert tree.unreached == ("GLJR",) and tree.edges == ()
    for other in (join_tree(sample_catalog, ["JCJM", "PREH"]),
                  join_tree(sample_catalog, ["APTL", "JCJM"])):
        assert not [n for n in other.intermediates if len(sample_catalog.key_columns(n)) <= 1]


def test_every_edge_is_the_widest_known_join(sample_catalog: Catalog) -> None:
    tree = join_tree(sample_catalog, ["JCCD", "JCJP", "JCJM", "JCPM"])
    assert not tree.unreached
    for edge in tree.edges:
        widest = sample_catalog.join_path(edge.parent, edge.child)
        assert widest is not None
        assert edge.relationship.column_pairs == widest.column_pairs
        assert edge.relationship.kind is not RelationshipKind.VIEW_OF


def test_tree_conditions_pass_the_partial_join_rule(sample_catalog: Catalog) -> None:
    tree = join_tree(sample_catalog, ["APTH", "APTL", "APVM"])
    sql = "SELECT 1 AS x FROM APTH WITH (NOLOCK)\n" + "\n".join(
        f"JOIN {e.child} WITH (NOLOCK) ON {e.condition()}" for e in tree.edges)
    assert analyze(sql, sample_catalog) == []



def test_nothing_known_gives_an_empty_tree(sample_catalog: Catalog) -> None:
    tree = join_tree(sample_catalog, ["Nowhere"])
    assert tree.root is None and tree.nodes == ()


def test_real_catalog_conventional_paths(real_catalog: Catalog) -> None:
    tree = join_tree(real_catalog, ["APTH", "APTL"])
    assert edge_columns(tree, "APTL") == ["APCo", "Mth", "APTrans"]
    tree = join_tree(real_catalog, ["JCCM", "JCJM"])
    assert edge_columns(tree, "JCJM") == ["JCCo", "Contract"]
    tree = join_tree(real_catalog, ["APTH", "JCJM"])
    assert tree.intermediates == ("APTL",), tree.describe()
    tree = join_tree(real_catalog, ["APTD", "APVM"])
    assert tree.intermediates == ("APTH",), tree.describe()


def test_rows_per_join(sample_catalog: Catalog) -> None:
    from vgpt2.server.generation.jointree import child_rows

    tree = join_tree(sample_catalog, ["APTH", "APTL", "APVM"])
    rows = {e.child: child_rows(sample_catalog, e) for e in tree.edges}
    assert rows == {"APTL": "many", "APVM": "one"}


def test_sibling_details_are_flagged_nested_ones_are_not(sample_catalog: Catalog) -> None:
    from vgpt2.server.generation.jointree import fan_out_pairs

    siblings = join_tree(sample_catalog, ["PREH", "PREA", "PRSQ"])
    assert set(siblings.nodes) == {"PREH", "PREA", "PRSQ"}, siblings.describe()
    assert fan_out_pairs(sample_catalog, siblings) == [("PREA", "PRSQ")]
    nested = join_tree(sample_catalog, ["APTH", "APTL", "APTD"])
    assert fan_out_pairs(sample_catalog, nested) == [], nested.describe()


JOB_PHASE_COST_ORDERS = (["JCJM", "JCJP", "JCCP"], ["JCJM", "JCCP", "JCJP"],
                         ["JCCP", "JCJP", "JCJM"])


def _phase_cost_join_is_on_the_phase_key(catalog: Catalog, objects: list[str]) -> None:
    tree = join_tree(catalog, objects)
    assert set(tree.nodes) == {"JCJM", "JCJP", "JCCP"} and not tree.unreached
    edge = next(e for e in tree.edges if {e.parent, e.child} == {"JCJP", "JCCP"})
    assert {a for a, _ in edge.relationship.column_pairs} == {
        "JCCo", "Job", "PhaseGroup", "Phase"}, tree.describe()
    # Never JCCP hung on the job alone: every cost row would meet every phase of the job.
    assert not [e for e in tree.edges if (e.parent, e.child) == ("JCJM", "JCCP")], tree.describe()
    assert fan_out_pairs(catalog, tree) == [], tree.describe()


def test_phase_costs_hang_from_the_phase_not_the_job(sample_catalog: Catalog) -> None:
    for objects in JOB_PHASE_COST_ORDERS:
        _phase_cost_join_is_on_the_phase_key(sample_catalog, objects)
    tree = join_tree(sample_catalog, ["JCJM", "JCCP", "JCJP"])
    assert tree.describe()[1].startswith("JCJP -> JCCP ON"), tree.describe()
    assert tree.nodes == ("JCJM", "JCJP", "JCCP")


def test_real_catalog_phase_costs_hang_from_the_phase(real_catalog: Catalog) -> None:
    for objects in JOB_PHASE_COST_ORDERS:
        _phase_cost_join_is_on_the_phase_key(real_catalog, objects)


def test_a_node_never_moves_below_its_own_descendants(sample_catalog: Catalog) -> None:
    """GLCO -> JCID -> JCCI -> JCCM: JCCM joins JCID on a wider key than GLCO does, but
    JCCM hangs below JCID, so JCID stays under GLCO (a cycle once made the build fail)."""
    tree = join_tree(sample_catalog, ["GLCO", "JCID", "JCCI", "JCCM"])
    assert set(tree.nodes) == {"GLCO", "JCID", "JCCI", "JCCM"} and tree.unreached == ()
    parents = {e.child: e.parent for e in tree.edges}
    for node in tree.nodes[1:]:
        seen, walk = set(), node
        while walk in parents:
            assert walk not in seen, tree.describe()
            seen.add(walk)
            walk = parents[walk]
        assert walk == "GLCO"
