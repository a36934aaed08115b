// Our additions to Decap CMS, loaded by admin/index.html before the CMS starts.
//
// 1. File formats that read and write our files the way the build does:
//    - "<kind>-yaml" for area.yaml, priorities.yaml, patrols.yaml and events.yaml: the
//      three list files hold a list at the top level, which Decap cannot edit by
//      itself (decaporg/decap-cms#531), so the list is shown as one field, "items";
//      every file keeps its first line, the schema line editors' tools read.
//    - "pelican-markdown" for updates and pages: reads YAML front matter ("---" fenced)
//      and Pelican's "Key: value" header alike (as loading/updates.py does), and writes
//      front matter, so an existing file opened and saved keeps every field.
// 2. On this computer only (localhost), "?proxy=PORT" points the CMS at a decap-server
//    on that port (invoke cms); nothing changes on the published site.
import { parse, stringify } from "./yaml/index.js";

const CMS = window.CMS;
const LIST = "items";
const STRINGIFY = { lineWidth: 0, indent: 2, indentSeq: false };

function schemaLine(kind) {
  return `# yaml-language-server: $schema=../../schemas/${kind}.schema.json\n`;
}

function yamlFormat(kind, isList) {
  return {
    fromFile(text) {
      const data = parse(text || "") ?? (isList ? [] : {});
      return isList ? { [LIST]: Array.isArray(data) ? data : [] } : data;
    },
    toFile(data) {
      const value = isList ? (data[LIST] || []) : data;
      return schemaLine(kind) + stringify(value, STRINGIFY);
    },
  };
}

const HEADER_LINE = /^([A-Za-z][A-Za-z0-9_-]*)\s*:\s*(.*)$/;

// Pelican's header: "Key: value" lines up to the first blank line; an indented line
// continues the value above it.
function readPelicanHeader(text) {
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

function readFrontMatter(text) {
  const rows = text.split("\n");
  const close = rows.findIndex((row, i) => i > 0 && (row.trimEnd() === "---" || row.trimEnd() === "..."));
  if (close < 0) return { body: text };
  const parsed = parse(rows.slice(1, close).join("\n")) || {};
  const data = {};
  for (const [key, value] of Object.entries(parsed)) data[key.toLowerCase()] = value;
  data.body = rows.slice(close + 1).join("\n").replace(/^\n+/, "");
  return data;
}

const pelicanMarkdown = {
  fromFile(text) {
    const source = (text || "").replace(/\r\n?/g, "\n");
    return source.split("\n", 1)[0].trim() === "---" ? readFrontMatter(source) : readPelicanHeader(source);
  },
  toFile(data) {
    const { body = "", ...meta } = data;
    for (const [key, value] of Object.entries(meta)) {
      if (value === "" || value === null || value === undefined || (Array.isArray(value) && !value.length)) {
        delete meta[key];
      }
    }
    return `---\n${stringify(meta, STRINGIFY)}---\n\n${body.trim()}\n`;
  },
};

for (const [kind, isList] of [["area", false], ["priorities", true], ["patrols", true], ["events", true]]) {
  CMS.registerCustomFormat(`${kind}-yaml`, "yaml", yamlFormat(kind, isList));
}
CMS.registerCustomFormat("pelican-markdown", "md", pelicanMarkdown);

const config = {};
const proxy = new URLSearchParams(window.location.search).get("proxy");
if (/^\d{2,5}$/.test(proxy || "") && ["localhost", "127.0.0.1"].includes(window.location.hostname)) {
  config.local_backend = {
    url: `http://${window.location.hostname}:${proxy}/api/v1`,
    allowed_hosts: ["localhost", "127.0.0.1"],
  };
}
CMS.init({ config });
