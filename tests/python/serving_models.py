"""The pydantic side of the serving interop suite (issue 14): models shaped like real serving
code (OpenAI-style chat, embeddings, audio, image generation, reranking, job queues, and
truss-chains' generated `{Chainlet}Input` models and `RootModel` outputs). The Rust side of each
is in tests/interop_serving.rs, under the same name.

SAMPLES: values each model must read and write exactly as pydantic does, in both modes.
ACCEPT: JSON inputs pydantic reads although it would write them differently (lax inputs).
REFUSE: JSON inputs pydantic refuses.
"""

import datetime as dt
import decimal
import enum
import sys
import types
from typing import Annotated, Generic, Literal, Optional, TypeVar, Union

import anchors

import numpy as np
import pydantic
from pydantic import (AliasChoices, BaseModel, ConfigDict, Discriminator, Field, RootModel, Tag, field_validator,
                      model_validator)


# Chat completions: messages whose content is a discriminated union of parts.
class TextPart(BaseModel):
    type: Literal["text"] = "text"
    text: str


class ImageUrl(BaseModel):
    url: str
    detail: Optional[Literal["auto", "low", "high"]] = None


class ImagePart(BaseModel):
    type: Literal["image_url"] = "image_url"
    image_url: ImageUrl


ContentPart = Annotated[Union[TextPart, ImagePart], Field(discriminator="type")]


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "tool"]
    content: list[ContentPart]
    name: Optional[str] = None


class ChatCompletionRequest(BaseModel):
    model: str
    messages: list[ChatMessage]
    temperature: float = 1.0
    max_tokens: Optional[int] = None
    stream: bool = False
    n: int = 1


class FunctionCall(BaseModel):
    name: str
    arguments: str


class ToolCall(BaseModel):
    id: str
    type: Literal["function"] = "function"
    function: FunctionCall


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: Optional[str] = None
    tool_calls: list[ToolCall] = []


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatChoice(BaseModel):
    index: int
    message: AssistantMessage
    finish_reason: Literal["stop", "length", "tool_calls"]


class ChatCompletionResponse(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: Usage


# Embeddings.
class EmbeddingItem(BaseModel):
    object: Literal["embedding"] = "embedding"
    embedding: list[float]
    index: int


class EmbeddingUsage(BaseModel):
    prompt_tokens: int
    total_tokens: int


class EmbeddingResponse(BaseModel):
    object: Literal["list"] = "list"
    data: list[EmbeddingItem]
    model: str
    usage: EmbeddingUsage


# Audio.
class WhisperSegment(BaseModel):
    id: int
    start: float
    end: float
    text: str
    tokens: list[int]
    avg_logprob: float
    no_speech_prob: float


class WhisperResult(BaseModel):
    language: str
    segments: list[WhisperSegment]
    text: str


class AudioFormat(BaseModel):
    sample_rate: Literal[16000] = 16000
    channels: Literal[1, 2] = 1
    bits: Literal[16, 32]


class TranscriptionRequest(BaseModel):
    audio_b64: str
    format: AudioFormat
    task: Literal["transcribe", "translate"] = "transcribe"
    language: Optional[str] = None


class SpeechRequest(BaseModel):
    input: str
    voice: Literal["alloy", "echo", "fable"]
    response_format: Literal["mp3", "wav", "pcm"] = "mp3"
    speed: float = 1.0


# Image generation.
class ImageGenerationRequest(BaseModel):
    prompt: str
    negative_prompt: Optional[str] = None
    width: int = 1024
    height: int = 1024
    num_inference_steps: int = 30
    guidance_scale: float = 7.5
    seed: Optional[int] = None
    response_format: Literal["b64_json", "url"] = "b64_json"


class GeneratedImage(BaseModel):
    b64_json: Optional[str] = None
    url: Optional[str] = None
    revised_prompt: Optional[str] = None


class ImageGenerationResponse(BaseModel):
    created: int
    data: list[GeneratedImage]


# Reranking.
class RerankRequest(BaseModel):
    query: str
    documents: list[str]
    top_n: Optional[int] = None
    return_documents: bool = True


class RerankResult(BaseModel):
    index: int
    relevance_score: float


class RerankResponse(BaseModel):
    results: list[RerankResult]


# Job queues: IntEnum priorities, string enum states.
class Priority(enum.IntEnum):
    LOW = 0
    NORMAL = 1
    HIGH = 5


class JobStatus(str, enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"


class Job(BaseModel):
    id: str
    priority: Priority = Priority.NORMAL
    status: JobStatus = JobStatus.QUEUED
    retries: list[Priority] = []


# Streaming events: a union tagged by another key, members declaring the tag anywhere.
class TokenEvent(BaseModel):
    token: str
    event: Literal["token"] = "token"


class DoneEvent(BaseModel):
    event: Literal["done"] = "done"
    finish_reason: str


class ErrorEvent(BaseModel):
    event: Literal["error"]
    message: str
    code: int


StreamEvent = Annotated[Union[TokenEvent, DoneEvent, ErrorEvent], Field(discriminator="event")]


class StreamChunk(BaseModel):
    events: list[StreamEvent]
    last: Optional[StreamEvent] = None


# truss-chains: generated `{Chainlet}Input` models and `RootModel` outputs.
class PromptBatch(RootModel[list[str]]):
    """Prompts for one batch."""


class SplitTextInput(BaseModel):
    data: str
    num_partitions: int
    separator: Optional[str] = None


class SplitTextOutput(RootModel[tuple[list[str], int]]):
    pass


class GenerateInput(BaseModel):
    prompts: PromptBatch
    max_new_tokens: int = 64


class GenerateOutput(RootModel[list[str]]):
    pass


class EmbedOutput(RootModel[EmbeddingResponse]):
    pass


class MaybeTextOutput(RootModel[Optional[str]]):
    pass


class Input(BaseModel):
    """A class named as the Python side names it, which the Rust side titles."""

    messages: list[ChatMessage]
    priority: Priority = Priority.LOW


# Plain unions, read in smart mode.
class EmbeddingRequest(BaseModel):
    input: Union[str, list[str]]
    model: str
    encoding_format: Literal["float", "base64"] = "float"
    dimensions: Optional[int] = None


class CompletionRequest(BaseModel):
    prompt: Union[str, list[str]]
    stop: Optional[Union[str, list[str]]] = None
    max_tokens: int = 16


class Threshold(BaseModel):
    value: Union[float, int]
    exact: Union[int, float]
    key: Union[int, str]
    flag: Union[bool, int]
    count: Union[int, list[int]] = 0


class ModerationRequest(BaseModel):
    input: Union[str, list[str], list[TextPart]]
    model: Optional[str] = None


# Ordered dicts, integer keys, sets, extra fields.
class CompletionUsage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    completion_tokens_details: Optional[dict[str, int]] = None


class ResponsesResult(BaseModel):
    id: str
    output_text: str
    usage: dict[str, int]
    metadata: dict = {}


class TokenLogprobs(BaseModel):
    tokens: list[str]
    top_logprobs: list[dict[int, float]]


class SamplingParams(BaseModel):
    model_config = ConfigDict(extra="allow")

    temperature: float = 1.0
    top_p: float = 1.0
    stop_token_ids: set[int] = set()


# Field(alias=..): read as the alias only, written as the field's name, the schema names the alias.
class StructuredOutputFormat(BaseModel):
    name: str
    schema_: dict = Field(alias="schema")
    strict: Optional[bool] = None


# A generic model: pydantic titles each use `Page[EmbeddingItem]` and keys it `Page_EmbeddingItem_`.
T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    data: list[T]
    has_more: bool = False


class PagedResults(BaseModel):
    embeddings: Page[EmbeddingItem]
    prompts: Page[list[str]]
    ids: Page[int]
    # Generic titles name dicts, sets and datetimes as Python does: `Page[dict[str, int]]`.
    counts: Optional[Page[dict[str, int]]] = None
    tags: Optional[Page[set[str]]] = None
    times: Optional[Page[dt.datetime]] = None


def _module(name: str, source: str) -> types.ModuleType:
    """A module of the given dotted name, as the Rust test's modules are named."""
    module = types.ModuleType(name)
    sys.modules[name] = module
    exec(source, module.__dict__)  # noqa: S102 - the suite's own model source
    return module


# Two models named `Message` from two modules: pydantic qualifies both `$defs` keys.
_chat = _module("interop_serving.chat", "from pydantic import BaseModel\n"
                                        "class Message(BaseModel):\n    text: str\n")
_audio = _module("interop_serving.audio", "from pydantic import BaseModel\n"
                                          "class Message(BaseModel):\n    seconds: float\n")


class Conversation(BaseModel):
    chat: _chat.Message
    audio: list[_audio.Message]


# Datetimes as pydantic has them: naive stays naive, offsets are kept, timestamps are UTC.
class TranscriptionJob(BaseModel):
    id: str
    created_at: dt.datetime
    local_start: dt.datetime
    finished_at: Optional[dt.datetime] = None


# Field metadata as pydantic writes it in the schema: a description other than the docstring's
# (leading spaces kept), a title, examples, json_schema_extra (applied last: its title wins), on a
# plain field and on a reference; serialization_alias changes neither truss's wire nor the schema.
class ModelCard(BaseModel):
    """A model card, as a registry lists it."""
    downloads: int = Field(description="  Downloads, last 30 days.", title="Monthly downloads", examples=[0, 1200],
                           json_schema_extra={"x-unit": "count", "title": "Downloads (30 d)"})
    sample: TextPart = Field(description="A sample prompt.", title="Sample", examples=[{"text": "hi"}],
                             json_schema_extra={"deprecated": True})
    license: str = Field("apache-2.0", serialization_alias="licence", examples=["mit"])
    homepage: Optional[str] = Field(None, title="Home page", json_schema_extra={"format": "uri"})


# AliasChoices with extra="allow": the first choice given is read; the others are kept as extras,
# where they came among them.
class LooseRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    prompt: str = Field(validation_alias=AliasChoices("prompt", "input", "text"))
    max_tokens: int = Field(16, validation_alias=AliasChoices("max_tokens", "max_new_tokens"))


# Decimals kept exactly as given (`1.50`, `1E+30`), read from strings, integers and floats as
# pydantic reads them, written as Python's str(Decimal) (truss's `__decimal__` map in msgpack).
class Invoice(BaseModel):
    total: decimal.Decimal
    tax: Optional[decimal.Decimal] = None
    lines: list[decimal.Decimal] = []


# Python's unbounded int: BigInt holds any (JSON only past 64 bits, which truss cannot pack);
# i128 and u128 hold 128 bits (u128 is `Annotated[int, Field(ge=0)]`).
class TokenCounts(BaseModel):
    total: int
    signed: int = 0
    unsigned: Annotated[int, Field(ge=0)] = 0
    history: list[int] = []


# A datetime field holding naive and aware values alike, each written back as it came.
class Event(BaseModel):
    at: dt.datetime
    seen: list[dt.datetime] = []
    until: Optional[dt.datetime] = None


# TensorRT-LLM's config style: a union discriminated by a function that defaults the version.
def _engine_version(value):
    if isinstance(value, dict):
        return value.get("version", "v1")
    return getattr(value, "version", "v1")


class EngineV1(BaseModel):
    version: Literal["v1"] = "v1"
    max_batch_size: int = 8


class EngineV2(BaseModel):
    version: Literal["v2"]
    max_batch_size: int = 8
    max_num_tokens: Optional[int] = None


class EngineConfig(BaseModel):
    build: Annotated[Union[Annotated[EngineV1, Tag("v1")], Annotated[EngineV2, Tag("v2")]],
                     Discriminator(_engine_version)]


# Validators that return the value (strip and lowercase, split a string into a list, fill a field
# from another), as serving code writes them.
class Subscriber(BaseModel):
    email: str
    topics: list[str] = []
    display_name: str = ""

    @field_validator("email")
    @classmethod
    def normalize_email(cls, value):
        value = value.strip().lower()
        if "@" not in value:
            raise ValueError("not an email")
        return value

    @field_validator("topics", mode="before")
    @classmethod
    def split_topics(cls, value):
        if isinstance(value, str):
            return [topic.strip() for topic in value.split(",") if topic.strip()]
        return value

    @model_validator(mode="after")
    def name_from_email(self):
        if not self.display_name:
            self.display_name = self.email.split("@")[0]
        return self


# Defaults written as given: an int default of a float field stays an int in the schema and on
# the wire (pydantic does not validate defaults).
class GenerationDefaults(BaseModel):
    temperature: Optional[float] = 0
    top_p: float = 1
    penalty: float = 0.5
    seed: Optional[int] = None


# Arrays and bytes (tests/codegen.rs): truss-chains' NumpyArrayField in a field, an Optional, a
# list and a dict, and raw bytes (a binary-only model in Rust).
NumpyArrayField = anchors.pydantic_numpy().NumpyArrayField


class EmbeddingVectors(BaseModel):
    """Embeddings as arrays, as an embedder chainlet answers."""
    model: str
    vectors: NumpyArrayField
    norms: Optional[NumpyArrayField] = None


class AudioClip(BaseModel):
    samples: NumpyArrayField
    sample_rate: int = 16000
    wav: bytes
    channels: list[NumpyArrayField] = []


class MaskSet(BaseModel):
    masks: dict[str, NumpyArrayField]
    labels: list[str]


# Recursive models: a model that holds itself through an Optional and a list, and two models
# that hold each other.
class TreeNode(BaseModel):
    """A parse tree."""
    label: str
    next: Optional["TreeNode"] = None
    children: list["TreeNode"] = []


class Section(BaseModel):
    title: str
    subsections: list["Section"] = []
    appendix: Optional["Appendix"] = None


class Appendix(BaseModel):
    note: str
    section: Optional[Section] = None


class Document(BaseModel):
    body: Section


MODELS = [
    TextPart, ImageUrl, ImagePart, ChatMessage, ChatCompletionRequest, FunctionCall, ToolCall, AssistantMessage,
    Usage, ChatChoice, ChatCompletionResponse, EmbeddingItem, EmbeddingUsage, EmbeddingResponse, WhisperSegment,
    WhisperResult, AudioFormat, TranscriptionRequest, SpeechRequest, ImageGenerationRequest, GeneratedImage,
    ImageGenerationResponse, RerankRequest, RerankResult, RerankResponse, Job, TokenEvent, DoneEvent, ErrorEvent,
    StreamChunk, PromptBatch, SplitTextInput, SplitTextOutput, GenerateInput, GenerateOutput, EmbedOutput,
    MaybeTextOutput, Input, EmbeddingRequest, CompletionRequest, Threshold, ModerationRequest, CompletionUsage,
    ResponsesResult, TokenLogprobs, SamplingParams, StructuredOutputFormat, PagedResults, Conversation,
    TranscriptionJob, ModelCard, LooseRequest, Invoice, TokenCounts, Event, EngineV1, EngineV2, EngineConfig,
    Subscriber, GenerationDefaults, EmbeddingVectors, AudioClip, MaskSet, TreeNode, Document,
]

_text = {"type": "text", "text": "What is in this image? é 😀"}
_image = {"type": "image_url", "image_url": {"url": "https://x/y.png", "detail": "low"}}
_message = {"role": "user", "content": [_text, _image]}
_usage = {"prompt_tokens": 9, "completion_tokens": 12, "total_tokens": 21}
_assistant = {"content": "Hello!", "tool_calls": [{"id": "c1", "function": {"name": "f", "arguments": "{}"}}]}
_embedding = {"embedding": [0.1, -2.5e-8, 3.0], "index": 0}
_embeddings = {"data": [_embedding, {"embedding": [], "index": 1}], "model": "e5",
               "usage": {"prompt_tokens": 3, "total_tokens": 3}}
_segment = {"id": 0, "start": 0.0, "end": 2.48, "text": " Hello.", "tokens": [50364, 2425, 13],
            "avg_logprob": -0.25, "no_speech_prob": 0.0125}

SAMPLES = {
    "TreeNode": [
        {"label": "S", "children": [{"label": "NP", "next": {"label": "VP"}}, {"label": "VP", "children": []}]},
        {"label": "leaf"},
    ],
    "Document": [
        {"body": {"title": "1", "subsections": [{"title": "1.1"}],
                  "appendix": {"note": "A", "section": {"title": "A.1", "appendix": {"note": "A.1.a"}}}}},
        {"body": {"title": "empty"}},
    ],
    "EmbeddingVectors": [
        {"model": "e5", "vectors": np.arange(6, dtype=np.float32).reshape(2, 3) / 4},
        {"model": "m", "vectors": np.zeros((0, 4)), "norms": np.array([1.5, -2.0])},
    ],
    "AudioClip": [
        {"samples": np.array([0, -1, 32767], dtype=np.int16), "wav": b"RIFF\x00\x01",
         "channels": [np.array([1.0, 0.5]), np.array(2.5, dtype=np.float32)]},
        {"samples": np.zeros((0,), dtype=np.uint8), "sample_rate": 8000, "wav": b""},
    ],
    "MaskSet": [
        {"masks": {"cat": np.array([[True, False], [False, True]]), "dog": np.array(3, dtype=np.uint8)},
         "labels": ["cat", "dog"]},
        {"masks": {}, "labels": []},
    ],
    "TextPart": [_text, {"text": ""}],
    "ImageUrl": [{"url": "u"}, {"url": "u", "detail": "high"}],
    "ImagePart": [_image],
    "ChatMessage": [_message, {"role": "tool", "content": [], "name": "lookup"}],
    "ChatCompletionRequest": [
        {"model": "llama", "messages": [_message, {"role": "system", "content": [{"type": "text", "text": "Be brief."}]}]},
        {"model": "m", "messages": [], "temperature": 0.2, "max_tokens": 256, "stream": True, "n": 2},
    ],
    "FunctionCall": [{"name": "get_weather", "arguments": '{"city": "Paris"}'}],
    "ToolCall": [{"id": "call_1", "function": {"name": "f", "arguments": ""}}],
    "AssistantMessage": [_assistant, {}],
    "Usage": [_usage],
    "ChatChoice": [{"index": 0, "message": _assistant, "finish_reason": "tool_calls"}],
    "ChatCompletionResponse": [
        {"id": "chatcmpl-1", "created": 1700000000, "model": "llama",
         "choices": [{"index": 0, "message": {"content": "Hi"}, "finish_reason": "stop"}], "usage": _usage},
    ],
    "EmbeddingItem": [_embedding],
    "EmbeddingUsage": [{"prompt_tokens": 0, "total_tokens": 0}],
    "EmbeddingResponse": [_embeddings],
    "WhisperSegment": [_segment],
    "WhisperResult": [{"language": "en", "segments": [_segment, {**_segment, "id": 1, "start": 2.48, "end": 5.0}],
                       "text": " Hello. Hello."}],
    "AudioFormat": [{"bits": 16}, {"sample_rate": 16000, "channels": 2, "bits": 32}],
    "TranscriptionRequest": [{"audio_b64": "UklGRg==", "format": {"bits": 16}},
                             {"audio_b64": "", "format": {"channels": 2, "bits": 32}, "task": "translate",
                              "language": "fr"}],
    "SpeechRequest": [{"input": "Hi", "voice": "echo"}, {"input": "", "voice": "fable", "response_format": "pcm",
                                                         "speed": 1.25}],
    "ImageGenerationRequest": [{"prompt": "a cat"},
                               {"prompt": "a dog", "negative_prompt": "blur", "width": 512, "height": 768,
                                "num_inference_steps": 4, "guidance_scale": 0.0, "seed": 42,
                                "response_format": "url"}],
    "GeneratedImage": [{}, {"b64_json": "iVBORw0KGgo=", "revised_prompt": "a cat, detailed"}],
    "ImageGenerationResponse": [{"created": 1, "data": [{"url": "https://x"}, {"b64_json": "AA=="}]}],
    "RerankRequest": [{"query": "q", "documents": ["a", "b"]}, {"query": "", "documents": [], "top_n": 1,
                                                                 "return_documents": False}],
    "RerankResult": [{"index": 1, "relevance_score": 0.987654321}],
    "RerankResponse": [{"results": [{"index": 1, "relevance_score": 0.9}, {"index": 0, "relevance_score": 1e-5}]}],
    "Job": [{"id": "j1"}, {"id": "j2", "priority": Priority.HIGH, "status": JobStatus.DONE,
                           "retries": [Priority.LOW, Priority.HIGH]}],
    "TokenEvent": [{"token": "Hel"}],
    "DoneEvent": [{"finish_reason": "stop"}],
    "ErrorEvent": [{"event": "error", "message": "overloaded", "code": 529}],
    "StreamChunk": [{"events": [{"token": "a", "event": "token"}, {"event": "token", "token": "b"}, {"event": "done", "finish_reason": "stop"}],
                     "last": {"event": "error", "message": "m", "code": 1}},
                    {"events": []}],
    "PromptBatch": [["a", "b"], []],
    "SplitTextInput": [{"data": "a b c", "num_partitions": 2}, {"data": "", "num_partitions": 0, "separator": " "}],
    "SplitTextOutput": [(["a b", "c"], 2), ([], 0)],
    "GenerateInput": [{"prompts": ["hi", "there"]}, {"prompts": [], "max_new_tokens": 1}],
    "GenerateOutput": [["hello", "world"]],
    "EmbedOutput": [_embeddings],
    "MaybeTextOutput": [None, "text"],
    "Input": [{"messages": [_message]}, {"messages": [], "priority": 5}],
    "EmbeddingRequest": [{"input": "hello", "model": "e5"}, {"input": ["a", "b"], "model": "e5",
                                                          "encoding_format": "base64", "dimensions": 256}],
    "CompletionRequest": [{"prompt": "p"}, {"prompt": ["p", "q"], "stop": "\n", "max_tokens": 5},
                          {"prompt": "", "stop": ["a", "b"]}],
    "Threshold": [{"value": 1, "exact": 1, "key": 1, "flag": True, "count": [1, 2]},
                  {"value": 0.5, "exact": 2.5, "key": "1", "flag": 1, "count": 3}],
    # pydantic cannot read what it writes for this one (the alias is required): see ACCEPT.
    "StructuredOutputFormat": [],
    "PagedResults": [{"embeddings": {"data": [_embedding]}, "prompts": {"data": [["a"], []], "has_more": True},
                      "ids": {"data": [1, 2]}},
                     {"embeddings": {"data": []}, "prompts": {"data": []}, "ids": {"data": []},
                      "counts": {"data": [{"a": 1}]}, "times": {"data": ["2024-01-02T03:04:05"]}}],
    "Conversation": [{"chat": {"text": "hi"}, "audio": [{"seconds": 1.5}]}],
    "TranscriptionJob": [
        {"id": "j", "created_at": dt.datetime(2024, 1, 2, 3, 4, 5, 500000, tzinfo=dt.timezone(dt.timedelta(hours=1))),
         "local_start": dt.datetime(2024, 1, 2, 3, 4, 5),
         "finished_at": dt.datetime(2024, 1, 2, 3, 4, 6, 120, tzinfo=dt.timezone.utc)},
        {"id": "k", "created_at": dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=-5, minutes=-30))),
         "local_start": dt.datetime(2024, 2, 29, 0, 0, 0, 999999)},
    ],
    "CompletionUsage": [{"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3,
                         "completion_tokens_details": {"reasoning_tokens": 1, "audio_tokens": 0,
                                                       "accepted_prediction_tokens": 0}}],
    "ResponsesResult": [{"id": "resp_1", "output_text": "hi",
                         "usage": {"input_tokens": 5, "output_tokens": 2, "total_tokens": 7, "cached": 0},
                         "metadata": {"z": 1, "a": [1.5, None, {"y": True, "b": "s"}]}},
                        {"id": "r", "output_text": "", "usage": {}}],
    "TokenLogprobs": [{"tokens": ["Hel", "lo"], "top_logprobs": [{15339: -0.01, 9906: -4.5, 1: -9.0},
                                                               {-1: 0.0}]}],
    "SamplingParams": [{}, {"temperature": 0.7, "stop_token_ids": [3, 1, 2]},
                       {"max_tokens": 5, "top_p": 0.9, "logit_bias": {"50256": -100}, "seed": None}],
    "ModelCard": [{"downloads": 3, "sample": {"text": "t"}}, {"downloads": 0, "sample": {"text": ""}, "license": "mit",
                                                            "homepage": "https://x"}],
    "TokenCounts": [{"total": 5}, {"total": 2**127 + 5, "signed": -(2**127), "unsigned": 2**128 - 1,
                                   "history": [10**40, -(10**40), 0, 18446744073709551615]},
                    {"total": -9223372036854775808, "signed": 2**64, "unsigned": 18446744073709551615}],
    "GenerationDefaults": [{}, {"temperature": 0.7, "top_p": 0.9, "penalty": 0.0, "seed": 3}],
    "Subscriber": [{"email": "a@b.c"}, {"email": "x@y", "topics": ["news", "ml"], "display_name": "X"}],
    "EngineV1": [{}],
    "EngineV2": [{"version": "v2"}],
    "EngineConfig": [{"build": {}}, {"build": {"version": "v2", "max_num_tokens": 4096}}],
    "Event": [{"at": dt.datetime(2024, 5, 1, 12)},
              {"at": dt.datetime(2024, 5, 1, 12, 0, 0, 250000, tzinfo=dt.timezone(dt.timedelta(hours=1))),
               "seen": [dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc), dt.datetime(1999, 12, 31, 23, 59, 59),
                        dt.datetime(2024, 2, 29, 6, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5, minutes=-30)))],
               "until": dt.datetime(2030, 1, 1)}],
    "Invoice": [{"total": decimal.Decimal("1.50")},
                {"total": decimal.Decimal("-0"), "tax": decimal.Decimal("1E+30"),
                 "lines": [decimal.Decimal("0E-7"), decimal.Decimal("1.001E+11"), decimal.Decimal("-0.00150"),
                           decimal.Decimal("123456789012345678901234567890.123456789")]}],
    "LooseRequest": [{"prompt": "p"}, {"prompt": "p", "max_tokens": 3, "input": "i", "z": [1]}],
    "ModerationRequest": [{"input": "x"}, {"input": ["x", "y"]}, {"input": [{"type": "text", "text": "t"}]},
                          {"input": [], "model": "m"}],
}

ACCEPT = {
    "GenerationDefaults": ['{"seed":3}', '{"temperature":null,"top_p":"0.25"}'],
    "Subscriber": ['{"email":"  Ann@X.org ","topics":"news, ml,,"}', '{"email":"B@Y","topics":[],"display_name":""}'],
    "EngineConfig": ['{"build":{"max_batch_size":"16"}}', '{"build":{"version":"v1"}}'],
    "Event": ['{"at":"2024-05-01"}', '{"at":1700000000}', '{"at":"2024-05-01T12:00:00Z"}',
              '{"at":"2024-05-01 12:00:00+00:00","seen":["2024-05-01T12:00","2024-05-01t12:00:00-01:00",1700000000123]}',
              '{"at":"1700000000.5","until":"2024-05-01T12:00:00.123456789"}'],
    "TokenCounts": ['{"total":"170141183460469231731687303715884105733","signed":"-5","unsigned":3.0}',
                    '{"total":" 1_000 ","history":[true,"0001",1e18,"-99999999999999999999999999999999999999999"]}',
                    '{"total":-0,"unsigned":"340282366920938463463374607431768211455"}'],
    "Invoice": ['{"total":10}', '{"total":0.1}', '{"total":"1e30"}', '{"total":1e30}', '{"total":1.00}',
                '{"total":1E2}', '{"total":123456789012345678901234567890.5}', '{"total":-0.0}',
                '{"total":" 1_000 ","lines":[1e-7,"+.5e-3",12345678901234567,2.5e-300,"1.5E+3"]}'],
    "ModelCard": ['{"downloads":"7","sample":{"text":"t"},"licence":"x"}'],
    "LooseRequest": ['{"input":"i"}', '{"text":"t","input":"i","z":1}', '{"z":0,"text":"t","a":2,"prompt":"p","input":"i"}',
                     '{"max_new_tokens":5,"prompt":"p","max_tokens":"6"}', '{"max_new_tokens":5,"prompt":"p"}',
                     '{"text":"t","text":"u"}'],
    "TranscriptionJob": ['{"id":"j","created_at":1700000000,"local_start":"2024-01-02 03:04:05","finished_at":1700000000123}',
                         '{"id":"j","created_at":"2024-01-02T03:04:05-05:30","local_start":"2024-01-02",'
                         '"finished_at":"1700000000.5"}',
                         '{"id":"j","created_at":"2024-01-02 03:04:05+00:00","local_start":"2024-01-02T03:04"}'],
    "StructuredOutputFormat": ['{"name":"n","schema":{"type":"object","properties":{}}}',
                               '{"schema":{},"strict":true,"name":"x"}'],
    "SamplingParams": ['{"stop_token_ids":[3,3,1],"zeta":1,"temperature":"0.5","alpha":{"k":[]}}'],
    "TokenLogprobs": ['{"tokens":[],"top_logprobs":[{"7":1,"2":"0.5","7":2}]}'],
    "ResponsesResult": ['{"id":"i","output_text":"t","usage":{"b":1,"a":"2","b":3}}'],
    "Threshold": ['{"value":1,"exact":1.0,"key":"1","flag":0,"count":"3"}',
                  '{"value":"2","exact":"2.5","key":2.0,"flag":"true","count":["4"]}',
                  '{"value":1e3,"exact":-0,"key":"x","flag":false}'],
    "EmbeddingRequest": ['{"input":[],"model":"m"}'],
    "Job": ['{"id":"j","priority":"5"}', '{"id":"j","priority":true}', '{"id":"j","priority":5.0,"retries":[0,"1"]}'],
    "AudioFormat": ['{"bits":16.0,"channels":true}'],
    "ChatMessage": ['{"content":[{"text":"t","type":"text"},{"type":"image_url","image_url":{"url":"u"}}],'
                    '"role":"user"}'],
    "StreamChunk": ['{"events":[{"message":"m","code":"2","event":"error"}]}'],
}

REFUSE = {
    "Subscriber": ['{"email":"nope"}', '{"email":"a@b","topics":5}', '{"email":5}', '{"topics":"a"}'],
    "EngineConfig": ['{"build":{"version":"v3"}}', '{"build":5}', '{"build":{"version":null}}', '{}'],
    "Event": ['{"at":"soon"}', '{"at":"2024-13-01T00:00:00"}', '{"at":true}', '{"at":null}',
              '{"at":"2024-05-01T12:00:00","seen":["x",5e20]}'],
    "TokenCounts": ['{"total":1e20}', '{"total":1.5}', '{"total":"1e3"}', '{"total":1,"unsigned":-1}'],
    "Invoice": ['{"total":"abc"}', '{"total":true}', '{"total":"NaN"}', '{"total":"-inf"}', '{"total":null}',
                '{"total":1,"lines":["1e","x",[]]}'],
    "LooseRequest": ['{}', '{"prompt":1,"input":"i"}', '{"input":"i","max_new_tokens":"x"}'],
    "ModelCard": ['{"sample":{"text":"t"}}'],
    "TranscriptionJob": ['{"id":"j","created_at":"soon","local_start":"2024-01-02T03:04:05"}',
                         '{"id":"j","created_at":"2024-01-02T03:04:05Z","local_start":"2024-13-02T03:04:05"}'],
    "StructuredOutputFormat": ['{"name":"n","schema_":{}}'],
    "TokenLogprobs": ['{"tokens":[],"top_logprobs":[{"x":1.0}]}'],
    "SamplingParams": ['{"stop_token_ids":["a"]}', '{"stop_token_ids":{}}'],
    "ResponsesResult": ['{"id":"i","output_text":"t","usage":{"a":1.5}}', '{"id":"i","output_text":"t","usage":{},"metadata":[]}'],
    "EmbeddingRequest": ['{"input":{"a":1},"model":"m"}', '{"input":[1],"model":"m"}', '{"input":5,"model":"m"}'],
    "Threshold": ['{"value":"x","exact":1,"key":1,"flag":true}', '{"value":1,"exact":1,"key":[],"flag":true}',
                  '{"value":1,"exact":1,"key":1,"flag":"maybe"}'],
    "ModerationRequest": ['{"input":[{"type":"text"}]}', '{"input":null}'],
    "Job": ['{"id":"j","priority":2}', '{"id":"j","priority":"HIGH"}',
            '{"id":"j","status":"lost"}'],
    "AudioFormat": ['{"bits":8}', '{"bits":"16"}', '{"bits":16,"sample_rate":8000}', '{"bits":16.5}'],
    "SpeechRequest": ['{"input":"x","voice":"nova"}', '{"input":"x","voice":1}'],
    "ChatMessage": ['{"role":"user","content":[{"text":"t"}]}', '{"role":"user","content":[{"type":"video"}]}',
                    '{"role":"user","content":[{"type":1}]}', '{"role":"user","content":[{"type":"text"}]}',
                    '{"role":"user","content":[5]}', '{"role":"bot","content":[]}'],
    "StreamChunk": ['{"events":[{"event":"error","message":"m"}]}', '{"events":[{}]}'],
    "PromptBatch": ['{"a":1}', '[1]'],
    "SplitTextOutput": ['[["a"]]', '[["a"],1,2]'],
    "MaybeTextOutput": ['1'],
    "TextPart": ['{"type":"image_url","text":"t"}'],
}
