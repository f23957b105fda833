/**
 * A strict little XML reader for tests (no dependency): parses a document into elements with attributes,
 * children and text, decoding the predefined and numeric entities, and throws on anything malformed —
 * unclosed or mismatched tags, unquoted or duplicate attributes, a raw `<` or `&` in text, a bad entity.
 * Enough to prove that a generated JUnit file is well-formed and to read it back.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_][\w.:-]*/;
const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function parseXml(doc: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`malformed XML at ${i}: ${why} near ${JSON.stringify(doc.slice(Math.max(0, i - 30), i + 30))}`);
  };
  const decode = (raw: string): string => {
    if (/<|&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(raw))
      fail(`a raw < or & in ${JSON.stringify(raw.slice(0, 60))}`);
    return raw.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (_, e: string) =>
      e.startsWith('#x')
        ? String.fromCodePoint(parseInt(e.slice(2), 16))
        : e.startsWith('#')
          ? String.fromCodePoint(Number(e.slice(1)))
          : ENTITY[e]!,
    );
  };
  /** Moves past the next `token`, failing when there is none. */
  const past = (token: string, what: string): number => {
    const at = doc.indexOf(token, i);
    return at < 0 ? fail(what) : at + token.length;
  };
  const skipMisc = () => {
    for (;;) {
      const ws = /^\s*/.exec(doc.slice(i))![0].length;
      i += ws;
      if (doc.startsWith('<?', i)) i = past('?>', 'unclosed <?');
      else if (doc.startsWith('<!--', i)) i = past('-->', 'unclosed comment');
      else return;
    }
  };
  const element = (): XmlElement => {
    if (doc[i] !== '<') fail('expected <');
    i++;
    const name = NAME.exec(doc.slice(i))?.[0] ?? fail('expected a tag name');
    i += name.length;
    const attrs: Record<string, string> = {};
    for (;;) {
      const ws = /^\s*/.exec(doc.slice(i))![0].length;
      i += ws;
      if (doc.startsWith('/>', i)) {
        i += 2;
        return { name, attrs, children: [], text: '' };
      }
      if (doc[i] === '>') {
        i++;
        break;
      }
      if (ws === 0) fail('expected whitespace before an attribute');
      const attr = NAME.exec(doc.slice(i))?.[0] ?? fail('expected an attribute name');
      i += attr.length;
      const m = /^\s*=\s*(["'])/.exec(doc.slice(i)) ?? fail(`attribute ${attr} is not quoted`);
      i += m[0].length;
      const end = doc.indexOf(m[1]!, i);
      if (end < 0) fail('unclosed attribute value');
      if (attr in attrs) fail(`duplicate attribute ${attr}`);
      attrs[attr] = decode(doc.slice(i, end));
      i = end + 1;
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      const lt = doc.indexOf('<', i);
      if (lt < 0) fail(`unclosed <${name}>`);
      text += decode(doc.slice(i, lt));
      i = lt;
      if (doc.startsWith('</', i)) {
        i += 2;
        const close = NAME.exec(doc.slice(i))?.[0];
        if (close !== name) fail(`</${close}> closes <${name}>`);
        i += name.length;
        const m = /^\s*>/.exec(doc.slice(i)) ?? fail('expected >');
        i += m[0].length;
        return { name, attrs, children, text };
      }
      if (doc.startsWith('<!--', i)) {
        i = past('-->', 'unclosed comment');
        continue;
      }
      children.push(element());
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== doc.length) fail('content after the root element');
  return root;
}

/** Every element named `name` under `e` (depth first). */
export const findAll = (e: XmlElement, name: string): XmlElement[] => [
  ...(e.name === name ? [e] : []),
  ...e.children.flatMap((c) => findAll(c, name)),
];
