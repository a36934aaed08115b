// Our additions to Decap CMS, loaded by admin/index.html before the CMS starts.
//
// 1. The file formats in formats.js: "area-yaml" (an area's four YAML files, a list
//    file's top-level list shown as one field, "items") and "pelican-markdown"
//    (updates and pages, front matter or Pelican's "Key: value" header).
// 2. A guard against a form showing another file's data (see openedEntry below).
// 3. It reads config.yml itself (see the end). `invoke cms` serves a copy whose
//    local_backend points at its decap-server; the published file is never changed.
import * as yaml from "./yaml/index.js";
import { AREA_FORMAT, createFormats, fieldsByFile } from "./formats.js";

const CMS = window.CMS;

// Decap keeps the form it has open when the address changes from one entry's form
// straight to another's (the Back and Forward buttons, a bookmark, an edited address):
// the new file's form then shows the old file's data. From area.yaml to
// priorities.yaml that is "0 entries", and saving would write the wrong data into the
// file. Opening the same file from the collection's list loads it afresh; a direct
// change of entry reloads the page, which does the same (Decap asks first when the
// open form has unsaved changes).
const ENTRY_ROUTE = /^#\/collections\/[^/?]+\/entries\/[^?]+/;
function openedEntry(url) {
  const match = ENTRY_ROUTE.exec(new URL(url).hash);
  return match ? match[0] : null;
}
window.addEventListener("hashchange", (event) => {
  const before = openedEntry(event.oldURL);
  const after = openedEntry(event.newURL);
  if (before && after && before !== after) window.location.reload();
});

// The configuration is read here rather than by Decap, which refuses config.yml when the
// host does not send it as YAML (nginx and Python's server send an unknown type).
const response = await fetch("config.yml", { cache: "no-cache" });
const config = yaml.parse(await response.text());
config.load_config_file = false;

const formats = createFormats(yaml, fieldsByFile(config));
CMS.registerCustomFormat(AREA_FORMAT, "yaml", formats.areaFiles);
CMS.registerCustomFormat("pelican-markdown", "md", formats.pelicanMarkdown);
CMS.init({ config });
