"""Export to Ollama: a Modelfile for the merged model, then ``create`` through the client.

Ollama imports a full Qwen2 safetensors folder (not a LoRA adapter: merge first).
The TEMPLATE is written here because Ollama's guess would not use ``.Suffix``,
and fill-in-the-middle works only when it does. SYSTEM is the engine's system
prompt of the same prompt version, so the exported model answers the way it was
trained even from a bare ``ollama run``. Without a reachable Ollama the Modelfile
stays in the run directory and the command to run is printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vgpt2.training.pipeline.run_dir import write_atomic

CHAT_TEMPLATE = """{{- if .Suffix }}<|fim_prefix|>{{ .Prompt }}<|fim_suffix|>{{ .Suffix }}\
<|fim_middle|>
{{- else if .Messages }}
{{- if .System }}<|im_start|>system
{{ .System }}<|im_end|>
{{ end }}
{{- range $i, $_ := .Messages }}
{{- $last := eq (len (slice $.Messages $i)) 1 -}}
<|im_start|>{{ .Role }}
{{ .Content }}{{ if not $last }}<|im_end|>
{{ end }}{{ if and $last (ne .Role "assistant") }}<|im_end|>
<|im_start|>assistant
{{ end }}
{{- end }}
{{- else }}
{{- if .System }}<|im_start|>system
{{ .System }}<|im_end|>
{{ end }}{{ if .Prompt }}<|im_start|>user
{{ .Prompt }}<|im_end|>
{{ end }}<|im_start|>assistant
{{ end }}{{ .Response }}{{ if .Response }}<|im_end|>{{ end }}"""
"""Qwen2.5's chat format in Ollama's template language, with ``.Suffix`` for FIM."""

CHAT_ONLY_TEMPLATE = "{{- if .Messages }}" + CHAT_TEMPLATE.split("{{- else if .Messages }}", 1)[1]
"""The same without the FIM branch, for a base that has no FIM tokens."""

STOP_TOKENS = ("<|im_end|>", "<|endoftext|>")
FIM_STOP_TOKENS = ("<|fim_pad|>", "<|file_sep|>")


class ExportError(Exception):
    """A Modelfile that cannot be written or an Ollama that refused it."""


@dataclass(frozen=True, slots=True)
class Modelfile:
    source: Path
    template: str
    system: str
    parameters: dict[str, Any]

    def render(self) -> str:
        for name, text in (("TEMPLATE", self.template), ("SYSTEM", self.system)):
            if '"""' in text:
                raise ExportError(f'the {name} contains """, which a Modelfile cannot quote')
        lines = [f"FROM {self.source.as_posix()}", f'TEMPLATE """{self.template}"""',
                 f'SYSTEM """{self.system}"""']
        for key, value in self.parameters.items():
            for item in value if isinstance(value, list) else [value]:
                rendered = f'"{item}"' if isinstance(item, str) else f"{item}"
                lines.append(f"PARAMETER {key} {rendered}")
        return "\n".join(lines) + "\n"


def system_prompt(version: str | None = None) -> str:
    """The engine's system prompt (no conventions filled: the engine sends its own)."""
    from vgpt2.server.generation.prompt import DEFAULT_VERSION, build_messages

    messages = build_messages("", "", version=version or DEFAULT_VERSION)
    return messages[0].content.strip()


def has_fim_tokens(model_dir: Path) -> bool:
    """The merged model's tokenizer knows Qwen's FIM tokens."""
    for name in ("tokenizer.json", "tokenizer_config.json"):
        path = model_dir / name
        if path.is_file() and "<|fim_suffix|>" in path.read_text(encoding="utf-8",
                                                                   errors="replace"):
            return True
    return False


def build_modelfile(model_dir: Path, num_ctx: int, *, fim: bool = True) -> Modelfile:
    fim = fim and has_fim_tokens(model_dir)
    stops = list(STOP_TOKENS) + (list(FIM_STOP_TOKENS) if fim else [])
    return Modelfile(model_dir.resolve(), CHAT_TEMPLATE if fim else CHAT_ONLY_TEMPLATE,
                     system_prompt(), {"temperature": 0, "num_ctx": num_ctx, "stop": stops})


_COMMAND = re.compile(r"^(FROM|TEMPLATE|SYSTEM|PARAMETER|ADAPTER|LICENSE|MESSAGE)\s+(.*)$",
                      re.IGNORECASE | re.DOTALL)


def parse_modelfile(text: str) -> list[tuple[str, str]]:
    """(command, argument) pairs, triple-quoted arguments across lines; raises ExportError."""
    commands: list[tuple[str, str]] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _COMMAND.match(line.strip())
        if match is None:
            raise ExportError(f"Modelfile line {index}: unknown command {line.split()[0]!r}")
        command, argument = match.group(1).upper(), match.group(2)
        if argument.startswith('"""'):
            body = argument[3:]
            while '"""' not in body:
                if index >= len(lines):
                    raise ExportError(f'Modelfile: {command} opens """ but never closes it')
                body += "\n" + lines[index]
                index += 1
            argument, rest = body.split('"""', 1)
            if rest.strip():
                raise ExportError(f"Modelfile: text after the closing quotes of {command}")
        commands.append((command, argument))
    if not commands or commands[0][0] != "FROM":
        raise ExportError("Modelfile: the first command must be FROM")
    return commands


def create_command(name: str, modelfile: Path, quantize: str | None) -> str:
    extra = f" --quantize {quantize}" if quantize else ""
    return f'ollama create {name} -f "{modelfile}"{extra}'


def reachable(url: str) -> bool:
    import httpx

    try:
        return httpx.get(f"{url.rstrip('/')}/api/version", timeout=10.0).status_code == 200
    except httpx.HTTPError:
        return False


def ollama_url(url: str | None) -> str:
    from vgpt2.server.generation.settings import ModelSettings

    return ModelSettings(backend="ollama", url=url).resolved_url()


def create(name: str, model: Modelfile, url: str, quantize: str | None) -> str:
    """Upload the merged folder's files as blobs and ``create`` the model; its status."""
    from ollama import Client, RequestError, ResponseError

    client = Client(host=url)
    files: dict[str, str] = {}
    try:
        for path in sorted(p for p in model.source.iterdir() if p.is_file()):
            files[path.name] = client.create_blob(path)
        response = client.create(model=name, files=files, template=model.template,
                                 system=model.system, parameters=model.parameters,
                                 quantize=quantize)
    except ResponseError as error:
        raise ExportError(f"Ollama at {url} refused the model ({error.status_code}): "
                          f"{error.error}") from None
    except (RequestError, ConnectionError) as error:
        raise ExportError(f"Ollama at {url} could not be reached: {error}") from None
    return str(getattr(response, "status", "") or "success")


@dataclass(frozen=True, slots=True)
class ExportResult:
    modelfile: Path
    created: bool
    message: str


def export(model_dir: Path, out: Path, *, name: str | None, url: str | None,
           quantize: str | None, num_ctx: int, fim: bool = True) -> ExportResult:
    """Write ``out`` (the Modelfile) and, with a name and a reachable Ollama, create it."""
    if not (model_dir / "config.json").is_file():
        raise ExportError(f"{model_dir}: no merged model (run `vgpt2-train merge` first)")
    model = build_modelfile(model_dir, num_ctx, fim=fim)
    text = model.render()
    parse_modelfile(text)
    write_atomic(out, text)
    if name is None:
        return ExportResult(out, False, "Modelfile written; to import it: "
                            + create_command("NAME", out, quantize))
    resolved = ollama_url(url)
    if not reachable(resolved):
        return ExportResult(out, False, f"Ollama is not reachable at {resolved}: the "
                            f"Modelfile is at {out}; when Ollama runs: "
                            + create_command(name, out, quantize))
    status = create(name, model, resolved, quantize)
    return ExportResult(out, True, f"created {name} in Ollama at {resolved} ({status})")
