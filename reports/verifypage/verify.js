// Checks a Cascade certificate token (CASCADE1.<fields>.<signature>, both
// base32) against the programme's Ed25519 public key embedded in this page,
// in the browser with WebCrypto; nothing is sent anywhere.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("programme-data").textContent);
  var before = ["number", "kind", "name", "certifies", "programme", "cohort", "host"];
  var after = ["credits", "issued", "template", "issued_by", "centre", "signatory1", "signatory2"];
  var awards = { completion: "Certificate of Completion", units: "Certificate of Achievement", trainer: "Certificate of Trainer Accreditation" };
  var months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

  function $(id) { return document.getElementById(id); }

  function base32(s) {
    var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", bits = 0, value = 0, out = [];
    for (var i = 0; i < s.length; i++) {
      var v = alphabet.indexOf(s.charAt(i));
      if (v < 0) { throw new Error("the code holds a character that is not part of it"); }
      value = (value << 5) | v; bits += 5;
      if (bits >= 8) { out.push((value >>> (bits - 8)) & 255); bits -= 8; }
    }
    return new Uint8Array(out);
  }

  function b64(s) {
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }

  function longDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!m || +m[2] < 1 || +m[2] > 12) { return iso; }
    return (+m[3]) + " " + months[+m[2] - 1] + " " + m[1];
  }

  // inflate undoes the raw deflate of a token's fields.
  function inflate(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); },
      function () { throw new Error("the code is damaged"); });
  }

  // parse turns a scanned or pasted text into the signed payload's values,
  // the exact signed text and the signature.
  function parse(text) {
    var t = text.trim(), hash = t.indexOf("#");
    if (hash >= 0) { t = t.slice(hash + 1); }
    t = t.replace(/[\s-]/g, "").toUpperCase();
    var parts = t.split(".");
    if (parts.length !== 3 || parts[0] !== "CASCADE1") {
      throw new Error("this is not a Cascade certificate code (it should start CASCADE1.)");
    }
    var signature = base32(parts[2]);
    return inflate(base32(parts[1])).then(function (raw) { return fields(raw, signature); });
  }

  function fields(raw, signature) {
    var values = new TextDecoder("utf-8", { fatal: true }).decode(raw).split("\n");
    if (values.length < before.length + after.length) { throw new Error("the code is incomplete"); }
    var units = values.length - before.length - after.length, lines = ["cascade-certificate 1"], f = { unit: [] };
    values.forEach(function (v, i) {
      var name = i < before.length ? before[i] : (i < before.length + units ? "unit" : after[i - before.length - units]);
      lines.push(name + ": " + v);
      if (name === "unit") { f.unit.push(v.split(" | ")); } else { f[name] = v; }
    });
    return { fields: f, signed: new TextEncoder().encode(lines.join("\n") + "\n"), signature: signature };
  }

  function show(status, headline, why) {
    var v = $("verdict");
    v.textContent = headline;
    v.setAttribute("data-status", status);
    $("why").textContent = why || "";
  }

  function row(dl, label, value) {
    if (value === undefined || value === "") { return; }
    var dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = label;
    if (typeof value === "string") { dd.textContent = value; } else { dd.appendChild(value); }
    dl.appendChild(dt); dl.appendChild(dd);
  }

  function showFields(f) {
    var dl = $("fields");
    dl.textContent = "";
    row(dl, "Name", f.name);
    row(dl, "Award", (awards[f.kind] || f.kind) + ": " + f.certifies);
    row(dl, "Programme", f.programme);
    if (f.cohort) { row(dl, "Cohort", f.cohort); }
    row(dl, "Host", f.host);
    if (f.unit.length) {
      var ul = document.createElement("ul");
      f.unit.forEach(function (u) {
        var li = document.createElement("li");
        li.textContent = u[0] + " " + u[1] + " (" + (u[2] === "0" ? "Entry" : "Level " + u[2]) + ", " + u[3] + " credits, achieved " + longDate(u[4]) + ")";
        ul.appendChild(li);
      });
      row(dl, "Units", ul);
      row(dl, "Credits", f.credits + " credits in total");
    }
    row(dl, "Date issued", longDate(f.issued));
    row(dl, "Certificate number", f.number);
    row(dl, "Issued by", f.centre);
    row(dl, "Signed by", [f.signatory1, f.signatory2].filter(Boolean).join("; "));
  }

  function check(text) {
    $("fields").textContent = "";
    if (!window.crypto || !crypto.subtle || typeof DecompressionStream === "undefined") {
      show("unknown", "Cannot check here", "This browser cannot check certificates; open this page in a current Chrome, Edge, Firefox or Safari.");
      return Promise.resolve();
    }
    return Promise.resolve().then(function () { return parse(text); }).then(function (c) {
      verify(c);
    }, function (e) {
      show("invalid", "Not valid", "This is not a certificate code that can be checked: " + e.message + ".");
    });
  }

  function verify(c) {
    showFields(c.fields);
    show("checking", "Checking…", "");
    return crypto.subtle.importKey("raw", b64(data.key), { name: "Ed25519" }, false, ["verify"]).then(function (key) {
      return crypto.subtle.verify({ name: "Ed25519" }, key, c.signature, c.signed);
    }).then(function (ok) {
      if (!ok) {
        show("invalid", "Not valid: this certificate has been changed or was not issued by " + data.centre + ".",
          "The details above do not match the signature of " + data.programme + ". Do not rely on them.");
      } else if (data.revoked.indexOf(c.fields.number) >= 0) {
        show("revoked", "Not valid: certificate " + c.fields.number + " has been revoked.",
          "It was genuinely issued by " + data.centre + ", but has since been withdrawn.");
      } else {
        show("valid", "Valid: this certificate was issued by " + data.centre + " and has not been changed.",
          "Checked against revoked certificates up to " + data.revokedUpTo + ".");
      }
    }, function (e) {
      show("unknown", "Cannot check here", "This browser cannot check Ed25519 signatures (" + e.name + "); open this page in a current Chrome, Edge, Firefox or Safari.");
    });
  }

  // byNumber checks a certificate from its number and verification code,
  // typed from the paper: the page holds each certificate's signed fields
  // sealed under a key made from both, so it can open only the one whose
  // code is typed, and then checks the signature as for a scanned code.
  function byNumber(number, code) {
    $("fields").textContent = "";
    number = number.trim().toUpperCase();
    // Base32 has no 0, 1 or 8: read off paper they are O, I and B.
    code = code.replace(/[\s-]/g, "").toUpperCase().replace(/0/g, "O").replace(/1/g, "I").replace(/8/g, "B");
    if (!window.crypto || !crypto.subtle || typeof DecompressionStream === "undefined") {
      show("unknown", "Cannot check here", "This browser cannot check certificates; open this page in a current Chrome, Edge, Firefox or Safari.");
      return Promise.resolve();
    }
    if (!number || !code) {
      show("none", "Type the certificate number and the verification code.", "");
      return Promise.resolve();
    }
    var sealed = (data.sealed || {})[number];
    if (!sealed) {
      show("unknown", "Not found: this page knows no certificate numbered " + number + ".",
        "It knows the certificates issued up to " + data.revokedUpTo + ". Check the number, or ask " + data.centre + ".");
      return Promise.resolve();
    }
    var box = b64(sealed);
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode("cascade-verify-page 1\n" + number + "\n" + code)).then(function (k) {
      return crypto.subtle.importKey("raw", k, { name: "AES-GCM" }, false, ["decrypt"]);
    }).then(function (key) {
      return crypto.subtle.decrypt({ name: "AES-GCM", iv: box.slice(0, 12) }, key, box.slice(12));
    }).then(function (plain) {
      return check("CASCADE1." + new TextDecoder().decode(plain) + "." + code);
    }, function () {
      show("invalid", "Not valid: the verification code does not match certificate " + number + ".",
        "Check that every character was typed as printed under the QR code.");
    });
  }

  function fromAddress() {
    if (location.hash.length > 1) {
      var t = location.hash.slice(1);
      if (/^number=/.test(t)) {
        // #number=…&code=…: the typed form, as a link.
        var q = new URLSearchParams(t);
        $("number").value = q.get("number") || "";
        $("code").value = q.get("code") || "";
        byNumber($("number").value, $("code").value);
        return;
      }
      try { t = decodeURIComponent(t); } catch (e) { /* checked as it is */ }
      $("token").value = t;
      check(t);
    }
  }

  $("check").addEventListener("click", function () { check($("token").value); });
  $("check-number").addEventListener("click", function () { byNumber($("number").value, $("code").value); });
  window.addEventListener("hashchange", fromAddress);
  fromAddress();
})();
