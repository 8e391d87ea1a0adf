// A story's video (templates/articles/_video.html): the poster is a link to the video on its host.
// With JavaScript it becomes a play button; pressing it (click, Enter or Space) puts the host's
// privacy-enhanced player (youtube-nocookie.com, Vimeo with dnt=1) in its place. Nothing is
// requested from the host before that press. The CSP's frame-src allows those two players only.
(function () {
  "use strict";

  function play(figure, poster) {
    var frame = document.createElement("iframe");
    frame.className = "story-video-frame";
    frame.src = figure.dataset.videoPlayer;
    frame.title = poster.dataset.playerTitle;
    // What playback needs, and nothing else (no camera, geolocation, payment…).
    frame.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture";
    frame.allowFullscreen = true;
    // The players need the site's origin to play; never the page's full address.
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    poster.replaceWith(frame);
    // The keyboard user's focus stays where the poster was: on the player.
    frame.focus();
  }

  document.querySelectorAll(".story-video[data-video-player]").forEach(function (figure) {
    var poster = figure.querySelector(".story-video-poster");
    if (!poster) {
      return;
    }
    poster.setAttribute("role", "button");
    poster.setAttribute("aria-label", poster.dataset.playLabel);
    poster.addEventListener("click", function (event) {
      event.preventDefault();
      play(figure, poster);
    });
    // A link answers Enter; a button also answers Space.
    poster.addEventListener("keydown", function (event) {
      if (event.key === " ") {
        event.preventDefault();
        play(figure, poster);
      }
    });
  });
})();
