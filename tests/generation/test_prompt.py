"""The versioned prompt and its budget."""

from __future__ import annotations

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.generation.backends.base import GenerationOptions
from vgpt2.server.generation.examples import Example
from vgpt2.server.generation.jointree import join_tree
from vgpt2.server.generation.prompt import (
    build_messages,
    build_prompt,
    count_messages,
    load_template,
    prompt_budget,
)


def test_template_is_versioned_data() -> None:
    template = load_template()
    assert template.version == "v1"
    assert "{conventions}" in template.system and "{question}" in template.user


def test_build_messages_shape() -> None:
    examples = [Example("jobs", "SELECT Job FROM JCJM WITH (NOLOCK)")]
    messages = build_messages("open jobs", "## JCJM (view)", joins="- a JOIN b ON x",
                              conventions="- use views", surrounding_sql="SELECT 1",
                              examples=examples)
    assert [m.role for m in messages] == ["system", "user", "assistant", "user"]
    assert "- use views" in messages[0].content
    assert messages[2].content == "```sql\nSELECT Job FROM JCJM WITH (NOLOCK)\n```"
    user = messages[-1].content
    assert user.startswith("Schema:\n## JCJM (view)")
    assert "Join conditions:\n- a JOIN b ON x" in user
    assert "The query being edited:\n```sql\nSELECT 1\n```" in user
    assert user.endswith("Question: open jobs")
    assert "\n\n\n" not in user


def test_build_messages_is_deterministic() -> None:
    assert build_messages("q", "s") == build_messages("q", "s")


def test_prompt_fits_the_budget_and_records_left_out(sample_catalog: Catalog) -> None:
    tree = join_tree(sample_catalog, ["APTH", "APTL"])
    objects = ["APTH", "APTL", "APTD", "APVM", "JCJM", "JCCD", "PRTH", "EMEM"]
    roomy = build_prompt(sample_catalog, "AP invoice lines", objects, tree, GenerationOptions())
    assert roomy.fits and roomy.version == "v1"
    assert roomy.budget == prompt_budget(GenerationOptions()) == 8192 - 1024
    tight_options = GenerationOptions(num_ctx=2048, max_tokens=512)
    tight = build_prompt(sample_catalog, "AP invoice lines", objects, tree, tight_options)
    assert tight.fits and tight.tokens <= 1536
    assert tight.tokens == count_messages(tight.messages, lambda t: -(-len(t) // 3))
    assert tight.left_out and len(tight.context.objects) < len(roomy.context.objects)
    assert tight.context.objects[0] == "APTH"


def test_examples_take_a_bounded_share(sample_catalog: Catalog) -> None:
    examples = [Example(f"question {i} about jobs", "SELECT Job FROM JCJM WITH (NOLOCK) " +
                        "-- padding " * 40) for i in range(30)]
    prompt = build_prompt(sample_catalog, "jobs", ["JCJM"], join_tree(sample_catalog, ["JCJM"]),
                          GenerationOptions(num_ctx=4096, max_tokens=1024), examples=examples)
    assert 0 < len(prompt.examples) < 30
    assert any(item.what == "example" for item in prompt.left_out)


def test_oversized_surrounding_sql_is_dropped_and_recorded(sample_catalog: Catalog) -> None:
    prompt = build_prompt(sample_catalog, "jobs", ["JCJM"], join_tree(sample_catalog, ["JCJM"]),
                          GenerationOptions(num_ctx=2048, max_tokens=512),
                          surrounding_sql="SELECT 1 -- " + "x" * 10_000)
    assert any(item.what == "surrounding SQL" for item in prompt.left_out)
    assert "x" * 100 not in prompt.messages[-1].content


def test_real_catalog_prompt_fits_with_the_tree_first(real_catalog: Catalog) -> None:
    from vgpt2.server.generation.link import link

    for question in ("unpaid AP invoices by vendor", "job cost by phase and cost type"):
        linked = link(real_catalog, question)
        tree = join_tree(real_catalog, linked.primary)
        prompt = build_prompt(real_catalog, question, linked.names, tree, GenerationOptions())
        assert prompt.fits
        assert prompt.context.objects[: len(tree.nodes)] == list(tree.nodes)
        assert all(f"## {name} " in prompt.messages[-1].content for name in tree.nodes)
