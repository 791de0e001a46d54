/** A strict reading of an XML document for comparing documents by structure, whatever their layout. */
import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';

/** An element: its name, its attributes in name order, and its children, text (CDATA included) but white space only. */
export interface XmlNode {
  name: string;
  attributes: [string, string][];
  children: (XmlNode | string)[];
}

/**
 * The root element of a document, read by saxes with namespaces: throws on
 * anything that is not namespace-well-formed XML. Text between elements that is
 * white space only is left out (it is layout); adjacent text and CDATA are one text.
 */
export function strictXml(xml: string): XmlNode {
  const parser = new SaxesParser({ xmlns: true });
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  let text = '';
  const flush = () => {
    if (text && !/^[ \t\r\n]*$/.test(text)) stack.at(-1)?.children.push(text);
    text = '';
  };
  parser.on('opentag', (tag: SaxesTagNS) => {
    flush();
    const attributes = Object.values(tag.attributes as Record<string, SaxesAttributeNS>)
      .map((a): [string, string] => [a.name, a.value])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const node: XmlNode = { name: tag.name, attributes, children: [] };
    const parent = stack.at(-1);
    if (parent) parent.children.push(node);
    else root = node;
    if (!tag.isSelfClosing) stack.push(node);
  });
  parser.on('closetag', (tag) => {
    flush();
    if (!tag.isSelfClosing) stack.pop();
  });
  parser.on('text', (t) => (text += t));
  parser.on('cdata', (t) => (text += t));
  parser.on('error', (err) => {
    throw err;
  });
  parser.write(xml).close();
  if (!root) throw new Error('no root element');
  return root;
}

/** The elements named `name` anywhere below `node`. */
export function elementsNamed(node: XmlNode, name: string): XmlNode[] {
  const found: XmlNode[] = [];
  for (const child of node.children) {
    if (typeof child === 'string') continue;
    if (child.name === name) found.push(child);
    found.push(...elementsNamed(child, name));
  }
  return found;
}
