//! The serving interop suite (issue 14): models shaped like real serving code — OpenAI-style
//! chat with discriminated content parts, embeddings, audio, image generation, reranking, job
//! queues with `IntEnum` priorities, and truss-chains' generated `Input` models and `RootModel`
//! outputs — each compared with its pydantic twin in `tests/python/serving_models.py`: the same
//! schema, pydantic's JSON and truss's msgpack read and written back byte for byte, pydantic's
//! lax inputs read to the value pydantic reads, and what pydantic refuses refused in both modes.

mod common;

use std::collections::BTreeSet;

use chainmodel::indexmap::IndexMap;
use chainmodel::prelude::*;
use serde_json::Value;

// Chat completions.

#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
#[chain(literal, rename_all = "snake_case")]
enum TextTag {
    #[default]
    Text,
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
#[chain(literal, rename_all = "snake_case")]
enum ImageUrlTag {
    #[default]
    ImageUrl,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct TextPart {
    #[chain(rename = "type", default)]
    tag: TextTag,
    text: String,
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq)]
#[chain(literal, rename_all = "lowercase")]
enum Detail {
    Auto,
    Low,
    High,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct ImageUrl {
    url: String,
    detail: Option<Detail>,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct ImagePart {
    #[chain(rename = "type", default)]
    tag: ImageUrlTag,
    image_url: ImageUrl,
}

// `Annotated[Union[TextPart, ImagePart], Field(discriminator="type")]`.
#[derive(ChainModel, Debug, Clone, PartialEq)]
#[chain(tag = "type", rename_all = "snake_case")]
enum ContentPart {
    Text(TextPart),
    ImageUrl(ImagePart),
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq)]
#[chain(literal, rename_all = "lowercase")]
enum Role {
    System,
    User,
    Assistant,
    Tool,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct ChatMessage {
    role: Role,
    content: Vec<ContentPart>,
    name: Option<String>,
}

fn one() -> f64 {
    1.0
}

fn one_int() -> i64 {
    1
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct ChatCompletionRequest {
    model: String,
    messages: Vec<ChatMessage>,
    #[chain(default = "one")]
    temperature: f64,
    max_tokens: Option<i64>,
    #[chain(default)]
    stream: bool,
    #[chain(default = "one_int")]
    n: i64,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct FunctionCall {
    name: String,
    arguments: String,
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
#[chain(literal, rename_all = "lowercase")]
enum FunctionTag {
    #[default]
    Function,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct ToolCall {
    id: String,
    #[chain(rename = "type", default)]
    tag: FunctionTag,
    function: FunctionCall,
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
#[chain(literal, rename_all = "lowercase")]
enum AssistantRole {
    #[default]
    Assistant,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct AssistantMessage {
    #[chain(default)]
    role: AssistantRole,
    content: Option<String>,
    #[chain(default)]
    tool_calls: Vec<ToolCall>,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Usage {
    prompt_tokens: i64,
    completion_tokens: i64,
    total_tokens: i64,
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq)]
#[chain(literal, rename_all = "snake_case")]
enum FinishReason {
    Stop,
    Length,
    ToolCalls,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct ChatChoice {
    index: i64,
    message: AssistantMessage,
    finish_reason: FinishReason,
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
#[chain(literal)]
enum ChatCompletionObject {
    #[default]
    #[chain(rename = "chat.completion")]
    ChatCompletion,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct ChatCompletionResponse {
    id: String,
    #[chain(default)]
    object: ChatCompletionObject,
    created: i64,
    model: String,
    choices: Vec<ChatChoice>,
    usage: Usage,
}

// Embeddings.

#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
#[chain(literal, rename_all = "lowercase")]
enum EmbeddingObject {
    #[default]
    Embedding,
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
#[chain(literal, rename_all = "lowercase")]
enum ListObject {
    #[default]
    List,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct EmbeddingItem {
    #[chain(default)]
    object: EmbeddingObject,
    embedding: Vec<f64>,
    index: i64,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct EmbeddingUsage {
    prompt_tokens: i64,
    total_tokens: i64,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct EmbeddingResponse {
    #[chain(default)]
    object: ListObject,
    data: Vec<EmbeddingItem>,
    model: String,
    usage: EmbeddingUsage,
}

// Audio.

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct WhisperSegment {
    id: i64,
    start: f64,
    end: f64,
    text: String,
    tokens: Vec<i64>,
    avg_logprob: f64,
    no_speech_prob: f64,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct WhisperResult {
    language: String,
    segments: Vec<WhisperSegment>,
    text: String,
}

// `Literal[16000]`.
#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
#[chain(literal)]
enum SampleRate {
    #[default]
    Hz16000 = 16000,
}

// `Literal[1, 2]`.
#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
#[chain(literal)]
enum Channels {
    #[default]
    Mono = 1,
    Stereo = 2,
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq)]
#[chain(literal)]
enum Bits {
    B16 = 16,
    B32 = 32,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct AudioFormat {
    #[chain(default)]
    sample_rate: SampleRate,
    #[chain(default)]
    channels: Channels,
    bits: Bits,
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
#[chain(literal, rename_all = "lowercase")]
enum Task {
    #[default]
    Transcribe,
    Translate,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct TranscriptionRequest {
    audio_b64: String,
    format: AudioFormat,
    #[chain(default)]
    task: Task,
    language: Option<String>,
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq)]
#[chain(literal, rename_all = "lowercase")]
enum Voice {
    Alloy,
    Echo,
    Fable,
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
#[chain(literal, rename_all = "lowercase")]
enum SpeechFormat {
    #[default]
    Mp3,
    Wav,
    Pcm,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct SpeechRequest {
    input: String,
    voice: Voice,
    #[chain(default)]
    response_format: SpeechFormat,
    #[chain(default = "one")]
    speed: f64,
}

// Image generation.

#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
#[chain(literal, rename_all = "snake_case")]
enum ImageFormat {
    #[default]
    B64Json,
    Url,
}

fn side() -> i64 {
    1024
}

fn steps() -> i64 {
    30
}

fn guidance() -> f64 {
    7.5
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct ImageGenerationRequest {
    prompt: String,
    negative_prompt: Option<String>,
    #[chain(default = "side")]
    width: i64,
    #[chain(default = "side")]
    height: i64,
    #[chain(default = "steps")]
    num_inference_steps: i64,
    #[chain(default = "guidance")]
    guidance_scale: f64,
    seed: Option<i64>,
    #[chain(default)]
    response_format: ImageFormat,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct GeneratedImage {
    b64_json: Option<String>,
    url: Option<String>,
    revised_prompt: Option<String>,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct ImageGenerationResponse {
    created: i64,
    data: Vec<GeneratedImage>,
}

// Reranking.

fn yes() -> bool {
    true
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct RerankRequest {
    query: String,
    documents: Vec<String>,
    top_n: Option<i64>,
    #[chain(default = "yes")]
    return_documents: bool,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct RerankResult {
    index: i64,
    relevance_score: f64,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct RerankResponse {
    results: Vec<RerankResult>,
}

// Job queues.

// pydantic's `IntEnum`: written and read as its integer.
#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
enum Priority {
    Low = 0,
    #[default]
    Normal = 1,
    High = 5,
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
#[chain(rename_all = "lowercase")]
enum JobStatus {
    #[default]
    Queued,
    Running,
    Done,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Job {
    id: String,
    #[chain(default)]
    priority: Priority,
    #[chain(default)]
    status: JobStatus,
    #[chain(default)]
    retries: Vec<Priority>,
}

// Streaming events.

#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
#[chain(literal, rename_all = "lowercase")]
enum TokenTag {
    #[default]
    Token,
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
#[chain(literal, rename_all = "lowercase")]
enum DoneTag {
    #[default]
    Done,
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq)]
#[chain(literal, rename_all = "lowercase")]
enum ErrorTag {
    Error,
}

// The tag after the member's other field, as the Python class declares it.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct TokenEvent {
    token: String,
    #[chain(default)]
    event: TokenTag,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct DoneEvent {
    #[chain(default)]
    event: DoneTag,
    finish_reason: String,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct ErrorEvent {
    event: ErrorTag,
    message: String,
    code: i64,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
#[chain(tag = "event", rename_all = "lowercase")]
enum StreamEvent {
    Token(TokenEvent),
    Done(DoneEvent),
    Error(ErrorEvent),
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct StreamChunk {
    events: Vec<StreamEvent>,
    last: Option<StreamEvent>,
}

// truss-chains: generated inputs and RootModel outputs.

/// Prompts for one batch.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct PromptBatch(Vec<String>);

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct SplitTextInput {
    data: String,
    num_partitions: i64,
    separator: Option<String>,
}

// Two return values: `RootModel[tuple[list[str], int]]`.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct SplitTextOutput((Vec<String>, i64));

fn max_new_tokens() -> i64 {
    64
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct GenerateInput {
    prompts: PromptBatch,
    #[chain(default = "max_new_tokens")]
    max_new_tokens: i64,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct GenerateOutput(Vec<String>);

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct EmbedOutput(EmbeddingResponse);

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct MaybeTextOutput(Option<String>);

/// A class named as the Python side names it, which the Rust side titles.
#[derive(ChainModel, Debug, Clone, PartialEq)]
#[chain(title = "Input")]
struct ChainInput {
    messages: Vec<ChatMessage>,
    #[chain(default = "low")]
    priority: Priority,
}

fn low() -> Priority {
    Priority::Low
}

// Plain unions, read in pydantic's smart mode. Each member is named in errors by its pydantic
// type name (`str`, `list[str]`), or by its `rename` as here.

#[derive(ChainModel, Debug, Clone, PartialEq)]
enum TextOrTexts {
    #[chain(rename = "str")]
    One(String),
    #[chain(rename = "list[str]")]
    Many(Vec<String>),
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
#[chain(literal, rename_all = "lowercase")]
enum EncodingFormat {
    #[default]
    Float,
    Base64,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct EmbeddingRequest {
    input: TextOrTexts,
    model: String,
    #[chain(default)]
    encoding_format: EncodingFormat,
    dimensions: Option<i64>,
}

fn sixteen() -> i64 {
    16
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct CompletionRequest {
    prompt: TextOrTexts,
    stop: Option<TextOrTexts>,
    #[chain(default = "sixteen")]
    max_tokens: i64,
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq)]
#[chain(rename_all = "lowercase")]
enum FloatOrInt {
    Float(f64),
    Int(i64),
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq)]
#[chain(rename_all = "lowercase")]
enum IntOrFloat {
    Int(i64),
    Float(f64),
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
enum IntOrStr {
    #[chain(rename = "int")]
    Int(i64),
    #[chain(rename = "str")]
    Str(String),
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq)]
#[chain(rename_all = "lowercase")]
enum BoolOrInt {
    Bool(bool),
    Int(i64),
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
enum IntOrInts {
    #[chain(rename = "int")]
    One(i64),
    #[chain(rename = "list[int]")]
    Many(Vec<i64>),
}

impl Default for IntOrInts {
    fn default() -> Self {
        IntOrInts::One(0)
    }
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Threshold {
    value: FloatOrInt,
    exact: IntOrFloat,
    key: IntOrStr,
    flag: BoolOrInt,
    #[chain(default)]
    count: IntOrInts,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
enum ModerationInput {
    #[chain(rename = "str")]
    Text(String),
    #[chain(rename = "list[str]")]
    Texts(Vec<String>),
    #[chain(rename = "list[TextPart]")]
    Parts(Vec<TextPart>),
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct ModerationRequest {
    input: ModerationInput,
    model: Option<String>,
}

// Dicts in pydantic's order (IndexMap, serde_json::Map), integer keys, sets, extra fields.

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct CompletionUsage {
    prompt_tokens: i64,
    completion_tokens: i64,
    total_tokens: i64,
    completion_tokens_details: Option<IndexMap<String, i64>>,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct ResponsesResult {
    id: String,
    output_text: String,
    usage: IndexMap<String, i64>,
    #[chain(default)]
    metadata: serde_json::Map<String, Value>,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct TokenLogprobs {
    tokens: Vec<String>,
    top_logprobs: Vec<IndexMap<i64, f64>>,
}

// pydantic writes a set in Python's hash order: sorted, for small non-negative integers.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct SamplingParams {
    #[chain(default = "one")]
    temperature: f64,
    #[chain(default = "one")]
    top_p: f64,
    #[chain(default)]
    stop_token_ids: BTreeSet<i64>,
    #[chain(extra)]
    extra: IndexMap<String, Value>,
}

// `schema_: dict = Field(alias="schema")`.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct StructuredOutputFormat {
    name: String,
    #[chain(field_alias = "schema")]
    schema_: serde_json::Map<String, Value>,
    strict: Option<bool>,
}

// A generic model, titled `Page[EmbeddingItem]` and keyed `Page_EmbeddingItem_` as pydantic does.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Page<T> {
    data: Vec<T>,
    #[chain(default)]
    has_more: bool,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct PagedResults {
    embeddings: Page<EmbeddingItem>,
    prompts: Page<Vec<String>>,
    ids: Page<i64>,
    counts: Option<Page<IndexMap<String, i64>>>,
    tags: Option<Page<BTreeSet<String>>>,
    times: Option<Page<chainmodel::chrono::NaiveDateTime>>,
}

// Two models named `Message` from two modules: both `$defs` keys are qualified, as pydantic's.
mod chat {
    use chainmodel::prelude::*;

    #[derive(ChainModel, Debug, Clone, PartialEq)]
    pub struct Message {
        pub text: String,
    }
}

mod audio {
    use chainmodel::prelude::*;

    #[derive(ChainModel, Debug, Clone, PartialEq)]
    pub struct Message {
        pub seconds: f64,
    }
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Conversation {
    chat: chat::Message,
    audio: Vec<audio::Message>,
}

// Datetimes: naive stays naive, offsets are kept as given, timestamps are UTC.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct TranscriptionJob {
    id: String,
    created_at: chainmodel::chrono::DateTime<chainmodel::chrono::FixedOffset>,
    local_start: chainmodel::chrono::NaiveDateTime,
    finished_at: Option<chainmodel::chrono::DateTime<chainmodel::chrono::Utc>>,
}

fn apache() -> String {
    "apache-2.0".into()
}

/// A model card, as a registry lists it.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct ModelCard {
    /// Overridden by `description`, which keeps its leading spaces.
    #[chain(
        description = "  Downloads, last 30 days.",
        title = "Monthly downloads",
        examples = "[0, 1200]",
        json_schema_extra = r#"{"x-unit": "count", "title": "Downloads (30 d)"}"#
    )]
    downloads: i64,
    #[chain(
        description = "A sample prompt.",
        title = "Sample",
        examples = r#"[{"text": "hi"}]"#,
        json_schema_extra = r#"{"deprecated": true}"#
    )]
    sample: TextPart,
    #[chain(default = "apache", serialization_alias = "licence", examples = r#"["mit"]"#)]
    license: String,
    #[chain(title = "Home page", json_schema_extra = r#"{"format": "uri"}"#)]
    homepage: Option<String>,
}

fn sixteen_tokens() -> i64 {
    16
}

// pydantic's `AliasChoices` with `extra="allow"`: the first choice given is read, the others kept
// as extras where they came.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct LooseRequest {
    #[chain(alias = "input", alias = "text")]
    prompt: String,
    #[chain(default = "sixteen_tokens", alias = "max_new_tokens")]
    max_tokens: i64,
    #[chain(extra)]
    extra: IndexMap<String, Value>,
}

// Defaults written as given: `default = 0` on a float is written `0` while the field holds it.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct GenerationDefaults {
    #[chain(default = 0)]
    temperature: Option<f64>,
    #[chain(default = 1)]
    top_p: f64,
    #[chain(default = 0.5)]
    penalty: f64,
    seed: Option<i64>,
}

// Validators that return the value.
fn normalize_email(value: String) -> Result<String, String> {
    let value = value.trim().to_lowercase();
    if !value.contains('@') {
        return Err("not an email".into());
    }
    Ok(value)
}

fn split_topics(value: chainmodel::Value) -> Result<chainmodel::Value, std::convert::Infallible> {
    Ok(match value {
        chainmodel::Value::Str(text) => chainmodel::Value::List(
            text.split(',')
                .map(str::trim)
                .filter(|topic| !topic.is_empty())
                .map(|topic| chainmodel::Value::Str(topic.into()))
                .collect(),
        ),
        other => other,
    })
}

fn name_from_email(mut subscriber: Subscriber) -> Result<Subscriber, String> {
    if subscriber.display_name.is_empty() {
        subscriber.display_name = subscriber.email.split('@').next().unwrap_or_default().to_owned();
    }
    Ok(subscriber)
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
#[chain(transform = "name_from_email")]
struct Subscriber {
    #[chain(transform = "normalize_email")]
    email: String,
    #[chain(default, before = "split_topics")]
    topics: Vec<String>,
    #[chain(default)]
    display_name: String,
}

// TensorRT-LLM's config style: a union discriminated by a function that defaults the version.
#[derive(ChainModel, Debug, Clone, PartialEq)]
#[chain(literal)]
enum EngineV1Tag {
    #[chain(rename = "v1")]
    V1,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
#[chain(literal)]
enum EngineV2Tag {
    #[chain(rename = "v2")]
    V2,
}

fn engine_v1() -> EngineV1Tag {
    EngineV1Tag::V1
}

fn eight() -> i64 {
    8
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct EngineV1 {
    #[chain(default = "engine_v1")]
    version: EngineV1Tag,
    #[chain(default = "eight")]
    max_batch_size: i64,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct EngineV2 {
    version: EngineV2Tag,
    #[chain(default = "eight")]
    max_batch_size: i64,
    max_num_tokens: Option<i64>,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
#[chain(tag = "version", discriminator = "_engine_version", default_tag = "v1")]
enum EngineBuild {
    #[chain(rename = "v1")]
    V1(EngineV1),
    #[chain(rename = "v2")]
    V2(EngineV2),
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct EngineConfig {
    build: EngineBuild,
}

// A datetime naive or aware, as it came.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Event {
    at: chainmodel::AnyDateTime,
    #[chain(default)]
    seen: Vec<chainmodel::AnyDateTime>,
    until: Option<chainmodel::AnyDateTime>,
}

// Python's unbounded int, and 128-bit integers.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct TokenCounts {
    total: chainmodel::BigInt,
    #[chain(default)]
    signed: i128,
    #[chain(default)]
    unsigned: u128,
    #[chain(default)]
    history: Vec<chainmodel::BigInt>,
}

// Decimals kept exactly as given.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Invoice {
    total: chainmodel::Decimal,
    tax: Option<chainmodel::Decimal>,
    #[chain(default)]
    lines: Vec<chainmodel::Decimal>,
}

/// A message in both binary encodings: (compact, aligned).
type Encodings = (Vec<u8>, Vec<u8>);

/// One model's codecs, by its Python name.
struct Case {
    name: &'static str,
    /// Reads JSON and writes it again.
    json: fn(&str) -> Result<String, chainmodel::Error>,
    /// Reads msgpack and writes it again, compact (truss's bytes) and aligned.
    msgpack: fn(&[u8]) -> Result<Encodings, chainmodel::Error>,
    schema: fn() -> Value,
}

fn case<M>(name: &'static str) -> Case
where
    M: ChainModel
        + for<'de> chainmodel::json::JsonDecode<'de>
        + chainmodel::json::JsonEncode
        + chainmodel::json::JsonForm<chainmodel::json::Checked>
        + for<'de> chainmodel::msgpack::MsgpackDecode<'de>
        + chainmodel::msgpack::MsgpackEncode
        + chainmodel::schema::ModelSchema,
{
    Case {
        name,
        json: |text| M::from_json(text)?.to_json(),
        msgpack: |bytes| {
            let value = M::from_msgpack(bytes)?;
            // The same message as a raw dict (what `truss_msgpack_deserialize` gives), read with
            // `from_value` (pydantic's `model_validate`): the same model.
            let dict: chainmodel::Value = chainmodel::msgpack::from_slice(bytes)?;
            assert_eq!(M::from_value(&dict)?.to_msgpack()?, value.to_msgpack()?, "from_value of {dict:?}");
            Ok((chainmodel::msgpack::to_vec_compact(&value)?, value.to_msgpack()?))
        },
        schema: M::json_schema,
    }
}

macro_rules! cases {
    ($($model:ident $(as $name:literal)?),* $(,)?) => {
        vec![$(cases!(@one $model $($name)?)),*]
    };
    (@one $model:ident) => { case::<$model>(stringify!($model)) };
    (@one $model:ident $name:literal) => { case::<$model>($name) };
}

fn all_cases() -> Vec<Case> {
    cases![
        TextPart, ImageUrl, ImagePart, ChatMessage, ChatCompletionRequest, FunctionCall, ToolCall, AssistantMessage,
        Usage, ChatChoice, ChatCompletionResponse, EmbeddingItem, EmbeddingUsage, EmbeddingResponse, WhisperSegment,
        WhisperResult, AudioFormat, TranscriptionRequest, SpeechRequest, ImageGenerationRequest, GeneratedImage,
        ImageGenerationResponse, RerankRequest, RerankResult, RerankResponse, Job, TokenEvent, DoneEvent, ErrorEvent,
        StreamChunk, PromptBatch, SplitTextInput, SplitTextOutput, GenerateInput, GenerateOutput, EmbedOutput,
        MaybeTextOutput, ChainInput as "Input", EmbeddingRequest, CompletionRequest, Threshold, ModerationRequest,
        CompletionUsage, ResponsesResult, TokenLogprobs, SamplingParams, StructuredOutputFormat, PagedResults,
        Conversation, TranscriptionJob, ModelCard, LooseRequest, Invoice, TokenCounts, Event, EngineV1, EngineV2,
        EngineConfig, Subscriber, GenerationDefaults,
    ]
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex from the script")).collect()
}

#[test]
fn serving_models_match_pydantic() {
    let Some(python) = common::anchor_python("serving_models_match_pydantic") else { return };
    let emitted: Value =
        serde_json::from_str(&common::run_script(&python, "serving_cases.py", &["emit"], b"")).unwrap();
    let cases = all_cases();
    assert!(cases.len() >= 30, "at least 30 serving models");
    let mut failures = Vec::new();
    let (mut values, mut refused) = (0, 0);
    for case in &cases {
        let entry = &emitted[case.name];
        assert!(entry.is_object(), "{}: no pydantic model of that name", case.name);
        let schema = (case.schema)();
        if schema != entry["schema"] {
            failures.push(format!("{}: schema\n  Rust:     {schema}\n  pydantic: {}", case.name, entry["schema"]));
        }
        for text in entry["json"].as_array().unwrap() {
            let text = text.as_str().unwrap();
            values += 1;
            match (case.json)(text) {
                Ok(ours) if ours == text => {}
                Ok(ours) => failures.push(format!("{}: JSON\n  Rust:     {ours}\n  pydantic: {text}", case.name)),
                Err(e) => failures.push(format!("{}: Rust cannot read {text}: {e}", case.name)),
            }
        }
        // (None where truss cannot write the value: a set.)
        for packed in entry["msgpack"].as_array().unwrap().iter().filter_map(Value::as_str) {
            let bytes = hex(packed);
            match (case.msgpack)(&bytes) {
                Ok((compact, aligned)) => {
                    if compact != bytes {
                        failures.push(format!("{}: msgpack differs from truss's for {}", case.name, packed));
                    }
                    if (case.msgpack)(&aligned).map(|again| again.0) != Ok(bytes.clone()) {
                        failures.push(format!("{}: the aligned form does not read back", case.name));
                    }
                }
                Err(e) => failures.push(format!("{}: Rust cannot read truss's msgpack {packed}: {e}", case.name)),
            }
        }
        for accepted in entry["accept"].as_array().unwrap() {
            let (input, expected) = (accepted[0].as_str().unwrap(), accepted[1].as_str().unwrap());
            match (case.json)(input) {
                Ok(ours) if ours == expected => {}
                Ok(ours) => {
                    failures.push(format!("{}: from {input}\n  Rust:     {ours}\n  pydantic: {expected}", case.name))
                }
                Err(e) => failures.push(format!("{}: pydantic reads {input}, Rust says {e}", case.name)),
            }
            // (None where msgpack cannot carry the input: an int past 64 bits.)
            let Some(packed) = accepted[2].as_str() else { continue };
            let expected = accepted[3].as_str();
            match (case.msgpack)(&hex(packed)) {
                Ok(_) if expected.is_none() => {}
                Ok((ours, _)) if Some(ours.clone()) == expected.map(hex) => {}
                Ok((ours, _)) => {
                    failures.push(format!("{}: from msgpack {packed}, Rust writes {ours:02x?}", case.name))
                }
                // Read, but past 64 bits: neither truss nor Rust can write it back.
                Err(e) if expected.is_none() && matches!(e.kind(), chainmodel::ErrorKind::IntTooLargeForMsgpack(_)) => {
                }
                Err(e) => failures.push(format!("{}: pydantic reads msgpack {packed}, Rust says {e}", case.name)),
            }
        }
        for refusal in entry["refuse"].as_array().unwrap() {
            let input = refusal[0].as_str().unwrap();
            refused += 1;
            match (case.json)(input) {
                Ok(ours) => failures
                    .push(format!("{}: pydantic refuses {input} ({}), Rust reads {ours}", case.name, refusal[1])),
                // As many errors as pydantic lists (one per member for a union).
                Err(e) if e.to_pydantic_errors().as_array().map(Vec::len) != refusal[1].as_array().map(Vec::len) => {
                    failures.push(format!("{}: pydantic refuses {input} with {}, Rust with {e}", case.name, refusal[1]))
                }
                Err(_) => {}
            }
            if let Some(packed) = refusal.get(2).and_then(Value::as_str)
                && let Ok((compact, _)) = (case.msgpack)(&hex(packed))
            {
                failures.push(format!("{}: pydantic refuses msgpack {packed}, Rust reads {compact:02x?}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "{} disagreements with pydantic:\n{}", failures.len(), failures.join("\n"));
    eprintln!("interop: {} serving models, {values} values in both modes, {refused} refusals", cases.len());
}

#[test]
fn errors_name_pydantic_causes() {
    let err = ChatMessage::from_json(r#"{"role":"user","content":[{"text":"t"}]}"#).unwrap_err();
    assert_eq!(err.to_string(), "content.0: Unable to extract tag using discriminator 'type'");
    let err = ChatMessage::from_json(r#"{"role":"user","content":[{"type":"video"}]}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "content.0: Input tag 'video' found using 'type' does not match any of the expected tags: 'text', 'image_url'"
    );
    let err = ChatMessage::from_json(r#"{"role":"user","content":[{"type":"text"}]}"#).unwrap_err();
    assert_eq!(err.to_string(), "content.0.text.text: Field required");
    let err = Job::from_json(r#"{"id":"j","priority":2}"#).unwrap_err();
    assert_eq!(err.to_string(), "priority: Input should be 0, 1 or 5");
    let err = StructuredOutputFormat::from_json(r#"{"name":"n","schema_":{}}"#).unwrap_err();
    assert_eq!(err.to_string(), "schema: Field required");
    let err = AudioFormat::from_json(r#"{"bits":"16"}"#).unwrap_err();
    assert_eq!(err.to_string(), "bits: Input should be 16 or 32");
    let err = EmbeddingRequest::from_json(r#"{"input":5,"model":"m"}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "input: no member of the union accepts the value: str: Input should be a valid string; \
         list[str]: Input should be a valid array"
    );
    assert_eq!(
        err.to_pydantic_errors(),
        serde_json::json!([
            {"type": "string_type", "loc": ["input", "str"], "msg": "Input should be a valid string", "input": 5},
            {"type": "list_type", "loc": ["input", "list[str]"], "msg": "Input should be a valid array", "input": 5},
        ])
    );
}

#[test]
fn smart_mode_prefers_exact_matches() {
    let read = |text: &str| Threshold::from_json(text).unwrap();
    let t = read(r#"{"value":1,"exact":1.0,"key":"1","flag":1}"#);
    assert_eq!(
        (t.value, t.exact, t.key, t.flag),
        (FloatOrInt::Int(1), IntOrFloat::Float(1.0), IntOrStr::Str("1".into()), BoolOrInt::Int(1))
    );
    // No exact or strict match: the first member that accepts the value in lax mode.
    let t = read(r#"{"value":"2","exact":"3","key":2.0,"flag":"yes","count":"4"}"#);
    assert_eq!(
        (t.value, t.exact, t.key, t.flag, t.count),
        (FloatOrInt::Float(2.0), IntOrFloat::Int(3), IntOrStr::Int(2), BoolOrInt::Bool(true), IntOrInts::One(4))
    );
}

#[test]
fn int_enums_are_integers_on_the_wire() {
    assert_eq!(Priority::High.to_json().unwrap(), "5");
    assert_eq!(chainmodel::msgpack::to_vec_compact(&Priority::High).unwrap(), vec![5]);
    assert_eq!(Priority::from_json("5").unwrap(), Priority::High);
    assert_eq!(Channels::Stereo.to_json().unwrap(), "2");
}

#[test]
fn a_tagged_member_is_found_wherever_its_tag_is() {
    // The tag last, after a nested map that holds a decoy `event` key.
    let text = r#"{"message":{"event":"token"},"code":1,"event":"error"}"#;
    let err = StreamEvent::from_json(text).unwrap_err();
    assert!(err.to_string().starts_with("error.message: "), "{err}");
    let event = StreamEvent::from_json(r#"{"message":"m","code":1,"event":"error"}"#).unwrap();
    assert_eq!(event, StreamEvent::Error(ErrorEvent { event: ErrorTag::Error, message: "m".into(), code: 1 }));
    assert_eq!(event.to_json().unwrap(), r#"{"event":"error","message":"m","code":1}"#);
}

// pydantic's documented smart-mode tie-break: among members that all validate, the model with
// the most fields set in the input wins (`Union[ModelA, ModelB]`, `ModelB(ModelA)` adding `b`).
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct ModelA {
    a: i64,
}

fn int_one() -> i64 {
    1
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct ModelB {
    a: i64,
    #[chain(default = "int_one")]
    b: i64,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
enum AOrB {
    ModelA(ModelA),
    ModelB(ModelB),
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct HoldsAOrB {
    x: AOrB,
}

#[test]
fn smart_mode_prefers_the_model_with_the_most_fields_set() {
    let inputs = [r#"{"x": {"a": 1, "b": 2}}"#, r#"{"x": {"a": 1}}"#, r#"{"x": {"a": 1, "c": 3}}"#];
    let ours: Vec<&str> = inputs
        .iter()
        .flat_map(|text| {
            let json = HoldsAOrB::from_json(text).unwrap();
            let dict: chainmodel::Value = chainmodel::json::from_str(text).unwrap();
            let binary = HoldsAOrB::from_msgpack(&chainmodel::msgpack::to_vec(&dict).unwrap()).unwrap();
            assert_eq!(json, binary, "{text}: both modes agree");
            assert_eq!(HoldsAOrB::from_value(&dict).unwrap(), json, "{text}: from_value agrees");
            [match json.x {
                AOrB::ModelA(_) => "ModelA",
                AOrB::ModelB(_) => "ModelB",
            }]
        })
        .collect();
    assert_eq!(ours, ["ModelB", "ModelA", "ModelA"]);
    let Some(python) = common::anchor_python("smart_mode_prefers_the_model_with_the_most_fields_set") else { return };
    let script = r#"
import json, sys
from typing import Union
import pydantic
class ModelA(pydantic.BaseModel):
    a: int
class ModelB(ModelA):
    b: int = 1
class Model(pydantic.BaseModel):
    x: Union[ModelA, ModelB]
for text in json.loads(sys.argv[1]):
    print(type(Model.model_validate_json(text).x).__name__, type(Model.model_validate(json.loads(text)).x).__name__)
"#;
    let output = std::process::Command::new(python)
        .args(["-c", script, &serde_json::to_string(&inputs).unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let pydantic: Vec<String> = String::from_utf8(output.stdout).unwrap().lines().map(str::to_owned).collect();
    let expected: Vec<String> = ours.iter().map(|name| format!("{name} {name}")).collect();
    assert_eq!(pydantic, expected, "pydantic chooses the same members, in JSON and from a dict");
}

// A datetime from a str is exact in JSON (strict JSON reads ISO text) but lax from a dict:
// `Union[datetime, str]` keeps the datetime in JSON mode and the str in binary mode.
#[derive(ChainModel, Debug, Clone, PartialEq)]
enum WhenOrText {
    When(chainmodel::chrono::NaiveDateTime),
    Text(String),
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct HoldsWhen {
    x: WhenOrText,
}

#[test]
fn a_datetime_union_member_is_exact_in_json_and_lax_from_a_dict() {
    let text = r#"{"x": "2024-01-01T00:00:00"}"#;
    let json = HoldsWhen::from_json(text).unwrap();
    assert!(matches!(json.x, WhenOrText::When(_)), "{json:?}");
    let dict: chainmodel::Value = chainmodel::json::from_str(text).unwrap();
    let binary = HoldsWhen::from_msgpack(&chainmodel::msgpack::to_vec(&dict).unwrap()).unwrap();
    assert_eq!(binary.x, WhenOrText::Text("2024-01-01T00:00:00".into()));
    assert_eq!(HoldsWhen::from_value(&dict).unwrap(), binary);
    let Some(python) = common::anchor_python("a_datetime_union_member_is_exact_in_json") else { return };
    let script = r#"
import datetime, json, sys
from typing import Union
import pydantic
class M(pydantic.BaseModel):
    x: Union[datetime.datetime, str]
text = sys.argv[1]
print(type(M.model_validate_json(text).x).__name__, type(M.model_validate(json.loads(text)).x).__name__)
"#;
    let output = std::process::Command::new(python).args(["-c", script, text]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8(output.stdout).unwrap().trim(), "datetime str", "pydantic agrees");
}

// Without a rename, a plain union's members are named in errors as pydantic names them.
#[derive(ChainModel, Debug, Clone, PartialEq)]
enum TextsOrModel {
    Text(String),
    Texts(Vec<String>),
    Item(ModelA),
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct HoldsTexts {
    x: TextsOrModel,
}

#[test]
fn union_members_are_named_in_errors_as_pydantic_names_them() {
    let text = r#"{"x": 5}"#;
    let error = HoldsTexts::from_json(text).unwrap_err();
    let locs: Vec<Value> = error.to_pydantic_errors().as_array().unwrap().iter().map(|e| e["loc"].clone()).collect();
    assert_eq!(
        locs,
        [serde_json::json!(["x", "str"]), serde_json::json!(["x", "list[str]"]), serde_json::json!(["x", "ModelA"])]
    );
    let Some(python) = common::anchor_python("union_members_are_named_in_errors") else { return };
    let script = r#"
import json, sys
from typing import Union
import pydantic
class ModelA(pydantic.BaseModel):
    a: int
class M(pydantic.BaseModel):
    x: Union[str, list[str], ModelA]
try:
    M.model_validate_json(sys.argv[1])
except pydantic.ValidationError as e:
    print(json.dumps([list(err["loc"]) for err in e.errors()]))
"#;
    let output = std::process::Command::new(python).args(["-c", script, text]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let pydantic: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(locs, pydantic, "pydantic's locations");
}

/// Past 128 bits, which pydantic's `int` takes, `i128` and `u128` name their own bound; a
/// `BigInt` takes it, in JSON; msgpack holds 64 bits, so a larger `BigInt` stops a binary message
/// as Python's msgpack refuses it.
#[test]
fn wide_integers_name_their_bounds() {
    let err = TokenCounts::from_json(r#"{"total":1,"unsigned":340282366920938463463374607431768211456}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unsigned: Input should be less than or equal to 340282366920938463463374607431768211455"
    );
    let err = TokenCounts::from_json(r#"{"total":1,"signed":-170141183460469231731687303715884105729}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "signed: Input should be greater than or equal to -170141183460469231731687303715884105728"
    );
    let huge = format!(r#"{{"total":{}}}"#, "9".repeat(100));
    let counts = TokenCounts::from_json(&huge).unwrap();
    assert_eq!(counts.total.to_string(), "9".repeat(100));
    assert_eq!(
        counts.to_json().unwrap(),
        format!(r#"{{"total":{},"signed":0,"unsigned":0,"history":[]}}"#, "9".repeat(100))
    );
    let err = counts.to_msgpack().unwrap_err();
    assert!(err.to_string().contains("does not fit in msgpack's 64 bits"), "{err}");
    assert_eq!(err.location(), [chainmodel::PathSegment::Field("total".into())]);
    // Python reads at most 4300 digits into an int.
    let err = TokenCounts::from_json(&format!(r#"{{"total":"{}"}}"#, "1".repeat(4301))).unwrap_err();
    assert_eq!(err.to_string(), "total: Unable to parse input string as an integer, exceeded maximum size");
}
