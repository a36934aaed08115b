// Tells Decap CMS to wait: admin/cms.js registers our file formats, then starts it.
window.CMS_MANUAL_INIT = true;
