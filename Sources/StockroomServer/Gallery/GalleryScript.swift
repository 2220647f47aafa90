import Crypto
import Foundation
import Hummingbird
import NIOCore

/// The one script of gallery pages on COMMENT and EDIT links, served from this server
/// (`script-src 'self'`): it keeps the client's name in local storage, places points and
/// rectangles on the picture, posts comments, replies and decisions, and toggles picks, all
/// through the JSON routes. Text from the server is only ever set as `textContent`.
enum GalleryScript {
    static let path = "/static/gallery.js"

    static let etag = "\"" + SHA256.hash(data: Data(source.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined() + "\""

    static func response(_ request: Request) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=300", .eTag: etag,
            .xContentTypeOptions: "nosniff",
        ]
        if request.headers[.ifNoneMatch] == etag {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: source)))
    }

    static let source = #"""
    (function () {
      "use strict";
      var body = document.body;
      var assetBase = body.getAttribute("data-asset-base");
      var NAME_KEY = "stockroom.reviewer";
      var $ = function (id) { return document.getElementById(id); };

      function storedName() { try { return localStorage.getItem(NAME_KEY) || ""; } catch (e) { return ""; } }
      function storeName(value) { try { localStorage.setItem(NAME_KEY, value); } catch (e) { /* private mode */ } }
      var nameInput = $("author-name");
      if (nameInput) {
        nameInput.value = storedName();
        nameInput.addEventListener("change", function () { storeName(nameInput.value.trim()); });
      }
      function reviewerName(errorBox) {
        var value = nameInput ? nameInput.value.trim() : storedName();
        if (!value) {
          if (errorBox) { errorBox.textContent = "Please tell us your name first (top of the panel)."; }
          if (nameInput) { nameInput.focus(); }
          return null;
        }
        storeName(value);
        return value;
      }

      function send(method, url, payload) {
        return fetch(url, {
          method: method, credentials: "same-origin",
          headers: { "Content-Type": "application/json", "Accept": "application/json" },
          body: JSON.stringify(payload)
        }).then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (json) {
            if (!response.ok) {
              throw new Error(json && json.error && json.error.message ? json.error.message : "The server answered " + response.status + ".");
            }
            return json;
          });
        });
      }

      // Points and rectangles on the picture, as fractions of its width and height.
      var picture = $("picture");
      var canvas = $("canvas");
      var pending = null;
      var pendingMarker = null;
      function clamp(v) { return Math.min(1, Math.max(0, v)); }
      function round(v) { return Math.round(v * 10000) / 10000; }
      function fraction(event) {
        var r = picture.getBoundingClientRect();
        return { x: clamp((event.clientX - r.left) / r.width), y: clamp((event.clientY - r.top) / r.height) };
      }
      function percent(v) { return (v * 100).toFixed(3) + "%"; }
      function showPending() {
        if (pendingMarker) { pendingMarker.remove(); pendingMarker = null; }
        var state = $("pin-state"), clear = $("pin-clear");
        if (!pending) {
          if (state) { state.textContent = "Click the picture to pin your comment to a spot, or drag to mark an area. Without a pin it is about the whole file."; }
          if (clear) { clear.hidden = true; }
          return;
        }
        pendingMarker = document.createElement("span");
        pendingMarker.className = "marker pending " + pending.type;
        pendingMarker.id = "pending-marker";
        pendingMarker.style.left = percent(pending.x);
        pendingMarker.style.top = percent(pending.y);
        if (pending.type === "rect") {
          pendingMarker.style.width = percent(pending.width);
          pendingMarker.style.height = percent(pending.height);
        } else {
          pendingMarker.textContent = "+";
        }
        canvas.appendChild(pendingMarker);
        if (state) { state.textContent = pending.type === "point" ? "Pinned to the spot you clicked." : "Pinned to the area you marked."; }
        if (clear) { clear.hidden = false; }
      }
      if (picture && canvas) {
        var start = null;
        picture.addEventListener("mousedown", function (event) {
          if (event.button !== 0) { return; }
          event.preventDefault();
          start = fraction(event);
        });
        window.addEventListener("mouseup", function (event) {
          if (!start) { return; }
          var end = fraction(event), from = start;
          start = null;
          var width = Math.abs(end.x - from.x), height = Math.abs(end.y - from.y);
          if (width < 0.01 && height < 0.01) {
            pending = { type: "point", x: round(from.x), y: round(from.y) };
          } else {
            var x = round(Math.min(from.x, end.x)), y = round(Math.min(from.y, end.y));
            pending = { type: "rect", x: x, y: y, width: Math.min(round(width), round(1 - x)), height: Math.min(round(height), round(1 - y)) };
          }
          showPending();
        });
        var clear = $("pin-clear");
        if (clear) { clear.addEventListener("click", function () { pending = null; showPending(); }); }
      }

      // Replies.
      var replyTo = null;
      Array.prototype.forEach.call(document.querySelectorAll("[data-reply-to]"), function (button) {
        button.addEventListener("click", function () {
          replyTo = parseInt(button.getAttribute("data-reply-to"), 10);
          $("reply-number").textContent = "#" + button.getAttribute("data-reply-number");
          $("reply-state").hidden = false;
          $("comment-text").focus();
        });
      });
      if ($("reply-cancel")) {
        $("reply-cancel").addEventListener("click", function () { replyTo = null; $("reply-state").hidden = true; });
      }

      // Audio: the playhead walks over the waveform; a click on it seeks there.
      var waveform = $("waveform"), playhead = $("playhead"), audio = $("player");
      if (waveform && playhead && audio) {
        var place = function () {
          var length = audio.duration;
          playhead.style.left = (isFinite(length) && length > 0 ? Math.min(1, audio.currentTime / length) * 100 : 0) + "%";
        };
        audio.addEventListener("timeupdate", place);
        audio.addEventListener("loadedmetadata", place);
        audio.addEventListener("seeked", place);
        waveform.addEventListener("click", function (event) {
          var box = waveform.getBoundingClientRect();
          if (isFinite(audio.duration) && box.width > 0) {
            audio.currentTime = Math.max(0, Math.min(1, (event.clientX - box.left) / box.width)) * audio.duration;
          }
        });
      }

      // The player's current time fills the time field while it plays; a tick on the timeline
      // takes the player to its comment's moment (and the page to the comment).
      var player = document.querySelector(".stage video, .stage audio");
      if (player && $("at-time")) {
        player.addEventListener("timeupdate", function () { $("at-time").value = player.currentTime.toFixed(1); });
      }
      if (player) {
        Array.prototype.forEach.call(document.querySelectorAll(".timeline .tick[data-time]"), function (tick) {
          tick.addEventListener("click", function () {
            var time = parseFloat(tick.getAttribute("data-time"));
            if (isFinite(time)) { player.currentTime = time; }
          });
        });
      }

      var form = $("comment-form");
      if (form && assetBase) {
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          var error = $("comment-error");
          error.textContent = "";
          var name = reviewerName(error);
          if (!name) { return; }
          var payload = { content: $("comment-text").value, authorName: name };
          if (pending) {
            payload.annotation = pending;
          } else if ($("at-time-on") && $("at-time-on").checked) {
            payload.annotation = { type: "timestamp", time: parseFloat($("at-time").value) || 0 };
          }
          if (replyTo !== null) { payload.parentId = replyTo; }
          $("comment-submit").disabled = true;
          send("POST", assetBase + "/comments", payload).then(function () {
            window.location.reload();
          }).catch(function (failure) {
            error.textContent = failure.message;
            $("comment-submit").disabled = false;
          });
        });
      }

      // Decisions.
      var labels = { APPROVED: "Approved", REJECTED: "Rejected", OPEN: "Open" };
      Array.prototype.forEach.call(document.querySelectorAll("[data-decide]"), function (button) {
        button.addEventListener("click", function () {
          var error = $("decision-error");
          error.textContent = "";
          var name = reviewerName(error);
          if (!name) { return; }
          send("PUT", assetBase + "/review", { decision: button.getAttribute("data-decide"), note: $("decision-note").value, authorName: name })
            .then(function (answer) {
              var badge = $("decision-badge");
              badge.textContent = labels[answer.review.decision] || answer.review.decision;
              badge.className = "decision " + answer.review.decision.toLowerCase();
              badge.setAttribute("data-decision", answer.review.decision);
              $("decision-by").textContent = answer.review.authorName ? "by " + answer.review.authorName : "";
              var shown = $("decision-note-shown");
              if (shown) { shown.textContent = answer.review.note || ""; }
            })
            .catch(function (failure) { error.textContent = failure.message; });
        });
      });

      // Picks into the selection (EDIT links).
      Array.prototype.forEach.call(document.querySelectorAll("[data-selection-url]"), function (button) {
        button.addEventListener("click", function (event) {
          event.preventDefault();
          var name = reviewerName(null);
          if (!name) { return; }
          var selected = button.getAttribute("aria-pressed") !== "true";
          send("PUT", button.getAttribute("data-selection-url"), { selected: selected, authorName: name }).then(function (answer) {
            button.setAttribute("aria-pressed", answer.selected ? "true" : "false");
            button.textContent = answer.selected ? "Selected" : "Select";
            var count = $("selected-count");
            if (count) { count.textContent = String(answer.selectedCount); }
          }).catch(function (failure) { button.title = failure.message; });
        });
      });
    })();
    """#
}
