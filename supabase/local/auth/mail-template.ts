/**
 * The part of Go's `html/template` that Auth's mail templates use: `{{ .Field }}`, `{{ .Data.key }}`,
 * `{{ if … }}…{{ else if … }}…{{ else }}…{{ end }}` with `not`, `eq`, `ne`, `and`, `or`, and quoted
 * literals. Values are HTML-escaped as Go escapes them; anything else is refused when the template is
 * parsed, so a template that would fail on hosted Auth fails here too instead of mailing `{{ … }}`.
 */

type Node =
  | { type: 'text'; text: string }
  | { type: 'value'; expr: Expr }
  | { type: 'if'; branches: Array<{ cond: Expr; body: Node[] }>; otherwise: Node[] };

type Expr =
  | { type: 'field'; path: string[] }
  | { type: 'literal'; value: string }
  | { type: 'call'; fn: 'not' | 'eq' | 'ne' | 'and' | 'or'; args: Expr[] };

export class TemplateError extends Error {}

const ACTION = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;

function tokenizeExpr(source: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*("(?:[^"\\]|\\.)*"|`[^`]*`|\(|\)|[^\s()]+)/g;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(source))) tokens.push(match[1]!);
  return tokens;
}

function parseExpr(source: string): Expr {
  const tokens = tokenizeExpr(source);
  let position = 0;
  const operand = (): Expr => {
    const token = tokens[position++];
    if (token === undefined) throw new TemplateError(`incomplete expression "${source}"`);
    if (token === '(') {
      const inner = command();
      if (tokens[position++] !== ')') throw new TemplateError(`unclosed "(" in "${source}"`);
      return inner;
    }
    if (token.startsWith('"')) return { type: 'literal', value: JSON.parse(token) as string };
    if (token.startsWith('`')) return { type: 'literal', value: token.slice(1, -1) };
    if (/^(\.[A-Za-z_][\w]*)+$/.test(token)) return { type: 'field', path: token.slice(1).split('.') };
    throw new TemplateError(`unsupported "${token}" in "${source}"`);
  };
  const command = (): Expr => {
    const token = tokens[position];
    if (token === 'not' || token === 'eq' || token === 'ne' || token === 'and' || token === 'or') {
      position += 1;
      const args: Expr[] = [];
      while (position < tokens.length && tokens[position] !== ')') args.push(operand());
      const arity = token === 'not' ? 1 : 2;
      if (token === 'not' || token === 'eq' || token === 'ne' ? args.length !== arity : args.length < arity) {
        throw new TemplateError(`wrong number of arguments to ${token} in "${source}"`);
      }
      return { type: 'call', fn: token, args };
    }
    return operand();
  };
  const expr = command();
  if (position !== tokens.length) throw new TemplateError(`unexpected "${tokens[position]}" in "${source}"`);
  return expr;
}

export function parseTemplate(source: string): Node[] {
  const root: Node[] = [];
  const stack: Array<{ node: Extract<Node, { type: 'if' }>; into: Node[] }> = [];
  let current = root;
  let last = 0;
  for (const match of source.matchAll(ACTION)) {
    let before = source.slice(last, match.index);
    if (match[0].startsWith('{{-')) before = before.replace(/\s+$/, '');
    if (before) current.push({ type: 'text', text: before });
    last = match.index + match[0].length;
    if (match[0].endsWith('-}}')) {
      const rest = /^\s*/.exec(source.slice(last))![0];
      last += rest.length;
    }
    const body = match[1]!;
    if (body.startsWith('/*')) continue;
    const [keyword] = body.split(/\s+/, 1);
    if (keyword === 'if') {
      const node: Extract<Node, { type: 'if' }> = { type: 'if', branches: [{ cond: parseExpr(body.slice(2)), body: [] }], otherwise: [] };
      current.push(node);
      stack.push({ node, into: current });
      current = node.branches[0]!.body;
    } else if (keyword === 'else') {
      const top = stack.at(-1);
      if (!top) throw new TemplateError('{{ else }} without {{ if }}');
      const rest = body.slice(4).trim();
      if (rest.startsWith('if ')) {
        const branch = { cond: parseExpr(rest.slice(3)), body: [] as Node[] };
        top.node.branches.push(branch);
        current = branch.body;
      } else if (rest === '') {
        current = top.node.otherwise;
      } else {
        throw new TemplateError(`unsupported "{{ ${body} }}"`);
      }
    } else if (keyword === 'end') {
      const top = stack.pop();
      if (!top) throw new TemplateError('{{ end }} without {{ if }}');
      current = top.into;
    } else if (['range', 'with', 'define', 'template', 'block'].includes(keyword!)) {
      throw new TemplateError(`unsupported "{{ ${body} }}"`);
    } else {
      current.push({ type: 'value', expr: parseExpr(body) });
    }
  }
  if (stack.length) throw new TemplateError('{{ if }} without {{ end }}');
  const tail = source.slice(last);
  if (tail) current.push({ type: 'text', text: tail });
  return root;
}

function lookup(data: Record<string, unknown>, path: string[]): unknown {
  let value: unknown = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Go's truth: false, 0, nil, and empty strings, maps and slices are false. */
function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function evaluate(expr: Expr, data: Record<string, unknown>): unknown {
  if (expr.type === 'literal') return expr.value;
  if (expr.type === 'field') return lookup(data, expr.path);
  const values = expr.args.map((arg) => evaluate(arg, data));
  switch (expr.fn) {
    case 'not':
      return !truthy(values[0]);
    case 'eq':
      return values[0] === values[1];
    case 'ne':
      return values[0] !== values[1];
    case 'and':
      return values.find((value) => !truthy(value)) ?? values.at(-1);
    case 'or':
      return values.find(truthy) ?? values.at(-1);
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;', '\0': '\uFFFD' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'\0]/g, (char) => ESCAPES[char]!);
}

/** What html/template prints for a value: nothing for a missing key, and `map[k:v]` for a map. */
function show(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') {
    if (Array.isArray(value)) return `[${value.map(show).join(' ')}]`;
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
    return `map[${entries.map(([key, item]) => `${key}:${show(item)}`).join(' ')}]`;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function renderTemplate(nodes: Node[], data: Record<string, unknown>): string {
  let out = '';
  for (const node of nodes) {
    if (node.type === 'text') out += node.text;
    else if (node.type === 'value') out += escapeHtml(show(evaluate(node.expr, data)));
    else {
      const branch = node.branches.find((candidate) => truthy(evaluate(candidate.cond, data)));
      out += renderTemplate(branch ? branch.body : node.otherwise, data);
    }
  }
  return out;
}

/** Parses and renders in one go; throws `TemplateError` for a template Go would not accept. */
export function render(source: string, data: Record<string, unknown>): string {
  return renderTemplate(parseTemplate(source), data);
}
