// The file formats admin/cms.js registers with Decap CMS, kept apart from the page so
// that the test suite can run them in Node against every file in neighbourhoods/
// (tests/library/test_cms_formats.py). The YAML library is passed in: the page gives
// the browser build it serves, Node the npm package.
//
// - "area-yaml" for area.yaml, priorities.yaml, patrols.yaml and events.yaml. The three
//   list files hold a list at the top level, which Decap cannot edit by itself
//   (decaporg/decap-cms#531), so the list is shown as one field, "items", and written
//   back as the top-level list. Decap hands a format plain data, so the file's text
//   travels with the data (SOURCE_KEY) and a save changes that document: what the form
//   did not change keeps its comments, quoting and layout, byte for byte; entries are
//   matched by their id. New keys and entries follow the models' order (the order of
//   the fields in config.yml). Comments inside an entry that is deleted go with it.
// - "pelican-markdown" for updates and pages: reads YAML front matter ("---" fenced)
//   and Pelican's "Key: value" header alike (as loading/updates.py does), and writes
//   front matter, so an existing file opened and saved keeps every field (its header's
//   comments, if any, are not kept).

export const LIST = "items";
export const SCHEMA_KEY = "#schema";
export const SOURCE_KEY = "#source";
export const AREA_FORMAT = "area-yaml";
// The build reads YAML as PyYAML does (YAML 1.1), where an unquoted 18:00 is the number
// 1080 and yes is true; the YAML library's default is YAML 1.2. Reading and writing with
// the 1.1 rules sees the values the build sees and quotes every text that 1.1 would read
// as something else. Dates stay unquoted text (2026-06-10, as editors write them; the
// models read them): the 1.1 timestamp rule is left out.
const YAML_RULES = {
  version: "1.1",
  customTags: (tags) => tags.filter((tag) => tag.tag !== "tag:yaml.org,2002:timestamp"),
};
const LAYOUT = { lineWidth: 0, indent: 2, indentSeq: true, flowCollectionPadding: false };
const STRINGIFY = { ...YAML_RULES, ...LAYOUT };
const SCHEMA_LINE = "# yaml-language-server: $schema=";
const HEADER_LINE = /^([A-Za-z][A-Za-z0-9_-]*)\s*:\s*(.*)$/;

// The fields of each of an area's files ("area", "priorities", …), from config.yml: every
// area's files have the same fields, so the first area's collection is enough.
export function fieldsByFile(config) {
  const byFile = {};
  for (const collection of config.collections || []) {
    if (collection.format !== AREA_FORMAT) continue;
    for (const file of collection.files || []) {
      if (!(file.name in byFile)) byFile[file.name] = file.fields || [];
    }
  }
  return byFile;
}

// Which of an area's files some data came from: its schema line says; a new file's is
// worked out from what it holds.
function kindOf(data, value) {
  const line = data[SCHEMA_KEY];
  const named = typeof line === "string" && /schemas\/([a-z]+)\.schema\.json/.exec(line);
  if (named) return named[1];
  if (!Array.isArray(value)) return "area";
  const first = value[0] || {};
  return "when" in first ? "patrols" : "start" in first ? "events" : "priorities";
}

// Keys in the order of the fields (then any others, as they were), all the way down.
function ordered(value, fields) {
  if (Array.isArray(value)) return value.map((item) => ordered(item, fields));
  if (value === null || typeof value !== "object" || !fields) return value;
  const result = {};
  const byName = new Map(fields.map((field) => [field.name, field]));
  const names = [...fields.map((field) => field.name).filter((name) => name in value)];
  for (const name of Object.keys(value)) if (!byName.has(name)) names.push(name);
  for (const name of names) result[name] = ordered(value[name], byName.get(name)?.fields);
  return result;
}

// A new entry added in the form holds every field, the optional ones empty ("" or
// null); the models read a missing field as "not given" but refuse an empty text, so
// empty fields are left out (as for updates). Lists, even empty ones, are kept.
function withoutEmpty(value) {
  if (Array.isArray(value)) return value.map(withoutEmpty);
  if (value === null || typeof value !== "object") return value;
  const kept = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === "" || item === null || item === undefined) continue;
    kept[key] = withoutEmpty(item);
  }
  return kept;
}

function readPelicanHeader(text, parse) {
  // Pelican's header: "Key: value" lines up to the first blank line; an indented line
  // continues the value above it.
  const rows = text.split("\n");
  const data = {};
  let last = null;
  let index = 0;
  for (; index < rows.length; index += 1) {
    const row = rows[index];
    if (!row.trim()) break;
    const match = HEADER_LINE.exec(row);
    if (match) {
      last = match[1].toLowerCase();
      data[last] = match[2].trim();
    } else if (last && /^[ \t]/.test(row)) {
      data[last] = `${data[last]} ${row.trim()}`.trim();
    } else {
      break;
    }
  }
  if (!Object.keys(data).length) return { body: text };
  if (typeof data.areas === "string") {
    data.areas = data.areas.split(",").map((s) => s.trim()).filter(Boolean);
  }
  data.body = rows.slice(index).join("\n").replace(/^\n+/, "");
  return data;
}

function readFrontMatter(text, parse) {
  const rows = text.split("\n");
  const close = rows.findIndex((row, i) => i > 0 && (row.trimEnd() === "---" || row.trimEnd() === "..."));
  if (close < 0) return { body: text };
  const parsed = parse(rows.slice(1, close).join("\n"), YAML_RULES) || {};
  const data = {};
  for (const [key, value] of Object.entries(parsed)) data[key.toLowerCase()] = value;
  data.body = rows.slice(close + 1).join("\n").replace(/^\n+/, "");
  return data;
}

function keyOf(pair) {
  return String(pair.key && typeof pair.key === "object" && "value" in pair.key ? pair.key.value : pair.key);
}

// The document ``node`` changed to hold ``value``; unchanged parts are left as they were.
function merge(yaml, doc, node, value, fields) {
  if (Array.isArray(value)) {
    if (!yaml.isSeq(node)) return doc.createNode(value);
    const old = node.items;
    const byId = new Map();
    for (const item of old) {
      const id = yaml.isMap(item) ? item.get("id") : undefined;
      if (typeof id === "string" && !byId.has(id)) byId.set(id, item);
    }
    if (!old.length) node.flow = false; // "[]" grows into a list written out line by line
    const used = new Set();
    node.items = value.map((item, index) => {
      const id = item && typeof item === "object" ? item.id : undefined;
      let match = typeof id === "string" ? byId.get(id) : undefined;
      if (match === undefined && !byId.size) match = old[index]; // no ids: by position
      if (match === undefined || used.has(match)) return doc.createNode(item);
      used.add(match);
      return merge(yaml, doc, match, item, fields);
    });
    return node;
  }
  if (value !== null && typeof value === "object") {
    if (!yaml.isMap(node)) return doc.createNode(value);
    const keys = Object.keys(value);
    const byName = new Map((fields || []).map((field) => [field.name, field]));
    if (!node.items.length) node.flow = false; // likewise "{}"
    node.items = node.items.filter((pair) => keys.includes(keyOf(pair)));
    for (const [at, key] of keys.entries()) {
      const pair = node.items.find((candidate) => keyOf(candidate) === key);
      if (pair) {
        pair.value = merge(yaml, doc, pair.value, value[key], byName.get(key)?.fields);
        continue;
      }
      let position = 0; // after the keys that come before it in the models' order
      node.items.forEach((candidate, index) => {
        const order = keys.indexOf(keyOf(candidate));
        if (order !== -1 && order < at) position = index + 1;
      });
      node.items.splice(position, 0, doc.createPair(key, value[key]));
    }
    return node;
  }
  if (yaml.isScalar(node) && node.value === value) return node;
  return doc.createNode(value);
}

export function createFormats(yaml, fields = {}) {
  const { parse, stringify } = yaml;
  const areaFiles = {
    fromFile(text) {
      const source = (text || "").replace(/\r\n?/g, "\n");
      const first = source.split("\n", 1)[0];
      const value = parse(source, YAML_RULES) ?? {};
      const data = Array.isArray(value) ? { [LIST]: value } : value;
      if (first.startsWith(SCHEMA_LINE)) data[SCHEMA_KEY] = first;
      data[SOURCE_KEY] = source;
      return data;
    },
    toFile(data) {
      const { [SCHEMA_KEY]: line, [SOURCE_KEY]: source, ...rest } = data;
      const keys = Object.keys(rest);
      const isList = keys.length === 1 && keys[0] === LIST;
      let value = withoutEmpty(isList ? rest[LIST] || [] : rest);
      const kind = kindOf(data, value);
      const fileFields = fields[kind];
      const itemFields = isList ? fileFields?.find((f) => f.name === LIST)?.fields : fileFields;
      if (itemFields) value = ordered(value, itemFields);
      const first = typeof line === "string" ? line : `${SCHEMA_LINE}../../schemas/${kind}.schema.json`;
      if (typeof source === "string" && yaml.parseDocument) {
        const doc = yaml.parseDocument(source, YAML_RULES);
        if (!doc.errors.length && doc.contents) {
          doc.contents = merge(yaml, doc, doc.contents, value, itemFields);
          const text = doc.toString(LAYOUT);
          return source.startsWith(SCHEMA_LINE) ? text : `${first}\n${text}`;
        }
      }
      return `${first}\n${stringify(value, STRINGIFY)}`;
    },
  };

  const pelicanMarkdown = {
    fromFile(text) {
      const source = (text || "").replace(/\r\n?/g, "\n");
      return source.split("\n", 1)[0].trim() === "---"
        ? readFrontMatter(source, parse)
        : readPelicanHeader(source, parse);
    },
    // Decap passes the collection's field names in order: the header follows them.
    toFile(data, fieldOrder = []) {
      const { body = "", ...rest } = data;
      const meta = ordered(rest, fieldOrder.map((name) => ({ name })));
      for (const [key, value] of Object.entries(meta)) {
        if (value === "" || value === null || value === undefined || (Array.isArray(value) && !value.length)) {
          delete meta[key];
        }
      }
      return `---\n${stringify(meta, STRINGIFY)}---\n\n${body.trim()}\n`;
    },
  };

  return { areaFiles, pelicanMarkdown };
}
