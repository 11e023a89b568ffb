import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Builds a tiny sentence-transformers-shaped model folder (`config.json`, `tokenizer.json`,
 * `tokenizer_config.json`, `onnx/model.onnx`) so the ONNX embedder's real loading, tokenising,
 * inference and pooling code runs without downloading weights. The "encoder" looks each token
 * up in an embedding table and zeroes padded positions: `last_hidden_state = E[ids] * mask`,
 * so the expected sentence vector is computable by hand (see {@link expectedEmbedding}).
 */
export interface TinyModel {
  vocab: string[];
  /** Row i is the vector of token i. */
  table: number[][];
}

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const WORDS = ['block', 'diffusion', 'language', 'model', 'graph', 'neural', 'network', 'squeeze', 'excitation', '##s', '.'];
const DIMS = 4;

export function buildTinyModel(root: string, name: string): TinyModel {
  const vocab = [...SPECIAL_TOKENS, ...WORDS];
  // Deterministic, distinct rows: a small integer lattice scaled down.
  const table = vocab.map((_, i) => Array.from({ length: DIMS }, (_, d) => (((i + 1) * (d + 3)) % 7) / 7 - 0.4));
  const dir = join(root, name);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', architectures: ['BertModel'], hidden_size: DIMS, vocab_size: vocab.length, max_position_embeddings: 64 }));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({
    tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 64,
    cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]',
  }));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)));
  writeFileSync(join(dir, 'onnx', 'model.onnx'), encodeModel(table));
  return { vocab, table };
}

/** What mean pooling over `tokens` (special tokens included, as BERT does) and L2 normalisation give. */
export function expectedEmbedding(model: TinyModel, tokens: string[]): number[] {
  const rows = ['[CLS]', ...tokens, '[SEP]'].map((token) => model.table[model.vocab.indexOf(token)]!);
  const mean = rows[0]!.map((_, d) => rows.reduce((sum, row) => sum + row[d]!, 0) / rows.length);
  const norm = Math.hypot(...mean);
  return mean.map((value) => value / norm);
}

function tokenizerJson(vocab: string[]) {
  const special = (token: string) => ({ id: token, type_id: 0 });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: special('[CLS]') }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: special('[SEP]') }],
      pair: [{ SpecialToken: special('[CLS]') }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: special('[SEP]') }, { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
      special_tokens: Object.fromEntries(['[CLS]', '[SEP]'].map((token) => [token, { id: token, ids: [vocab.indexOf(token)], tokens: [token] }])),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((token, id) => [token, id])) },
  };
}

// ONNX is protobuf; these few writers cover the messages the graph needs (field numbers from onnx.proto).
const FLOAT = 1;
const INT64 = 7;

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = BigInt(value);
  if (rest < 0n) rest += 1n << 64n;
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest > 0n ? low | 0x80 : low);
  } while (rest > 0n);
  return bytes;
}

const intField = (field: number, value: number) => [...varint(field << 3), ...varint(value)];
const bytesField = (field: number, bytes: Uint8Array | number[]) => [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
const stringField = (field: number, text: string) => bytesField(field, new TextEncoder().encode(text));
const message = (...parts: number[][]) => parts.flat();

function tensor(name: string, dataType: number, dims: number[], raw: Buffer): number[] {
  return message(...dims.map((dim) => intField(1, dim)), intField(2, dataType), stringField(8, name), bytesField(9, raw));
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]): number[] {
  const shape = message(...dims.map((dim) => bytesField(1, typeof dim === 'number' ? intField(1, dim) : stringField(2, dim))));
  return message(stringField(1, name), bytesField(2, bytesField(1, message(intField(1, elemType), bytesField(2, shape)))));
}

function node(opType: string, inputs: string[], outputs: string[], attributes: number[][] = []): number[] {
  return message(...inputs.map((input) => stringField(1, input)), ...outputs.map((output) => stringField(2, output)), stringField(3, outputs[0]!), stringField(4, opType), ...attributes.map((attribute) => bytesField(5, attribute)));
}

function encodeModel(table: number[][]): Buffer {
  const rows = table.length;
  const dims = table[0]!.length;
  const weights = Buffer.alloc(rows * dims * 4);
  table.flat().forEach((value, i) => weights.writeFloatLE(value, i * 4));
  const axes = Buffer.alloc(8);
  axes.writeBigInt64LE(2n);
  const castToFloat = message(stringField(1, 'to'), intField(3, FLOAT), intField(20, 2));
  const graph = message(
    bytesField(1, node('Gather', ['embeddings', 'input_ids'], ['token_vectors'])),
    bytesField(1, node('Cast', ['attention_mask'], ['mask_float'], [castToFloat])),
    bytesField(1, node('Unsqueeze', ['mask_float', 'last_axis'], ['mask_column'])),
    bytesField(1, node('Mul', ['token_vectors', 'mask_column'], ['last_hidden_state'])),
    stringField(2, 'tiny-encoder'),
    bytesField(5, tensor('embeddings', FLOAT, [rows, dims], weights)),
    bytesField(5, tensor('last_axis', INT64, [1], axes)),
    bytesField(11, valueInfo('input_ids', INT64, ['batch', 'sequence'])),
    bytesField(11, valueInfo('attention_mask', INT64, ['batch', 'sequence'])),
    bytesField(12, valueInfo('last_hidden_state', FLOAT, ['batch', 'sequence', dims])),
  );
  return Buffer.from(message(intField(1, 8), stringField(2, 'paperfeed-tests'), bytesField(7, graph), bytesField(8, message(stringField(1, ''), intField(2, 13)))));
}
