"""A news item's own video plays in a real browser: the player asks for byte ranges and
gets them (206), with its length, never gzipped; Safari plays no video without that."""

import base64

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.urls import reverse

from aktuelles.forms import VIDEO_FILES
from aktuelles.models import Artikel
from kommunen.models import Kommune
from tests.aktuelles.conftest import VTT
from tests.aktuelles.factories import ArtikelFactory

# One second of a coloured canvas, recorded by the browser itself (no video tool needed).
RECORD_WEBM = """async () => {
  const canvas = Object.assign(document.createElement('canvas'), {width: 160, height: 90});
  const paint = canvas.getContext('2d');
  const recorder = new MediaRecorder(canvas.captureStream(25), {mimeType: 'video/webm'});
  const chunks = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  const stopped = new Promise((resolve) => { recorder.onstop = resolve; });
  recorder.start();
  let frame = 0;
  const timer = setInterval(() => {
    paint.fillStyle = `rgb(${(frame++ * 40) % 255}, 90, 140)`;
    paint.fillRect(0, 0, 160, 90);
  }, 40);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  recorder.stop();
  clearInterval(timer);
  await stopped;
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}"""


@pytest.mark.django_db(transaction=True)
def test_the_video_of_a_news_item_loads_in_byte_ranges(live_server, page, tmp_path, monkeypatch):
    storage = FileSystemStorage(location=tmp_path)
    for name in VIDEO_FILES:
        monkeypatch.setattr(Artikel._meta.get_field(name), "storage", storage)
    webm = base64.b64decode(page.evaluate(RECORD_WEBM))
    kommune = Kommune.objects.create(name="Landkreis Ludwigslust-Parchim", slug="lup")
    artikel = ArtikelFactory(kommune=kommune, video_title="Rundgang durch Plau")
    artikel.video_datei.save("rundgang.webm", ContentFile(webm), save=False)
    artikel.video_untertitel.save("rundgang.vtt", ContentFile(VTT), save=False)
    artikel.save()
    video_url = reverse("aktuelles:video", kwargs={"kommune": "lup", "pk": artikel.pk})
    answers = []
    page.on(
        "response",
        lambda r: (
            r.url.endswith(video_url)
            and answers.append((r.status, r.request.headers.get("range"), r.headers))
        ),
    )

    page.goto(live_server.url + artikel.get_absolute_url())
    page.wait_for_function("document.querySelector('video').readyState >= 1")
    assert page.evaluate("document.querySelector('video').error") is None
    assert page.evaluate("document.querySelector('video').videoWidth") == 160
    status, asked, headers = answers[0]
    assert asked and asked.startswith("bytes=")
    assert status == 206, "the player asked for a range and got the whole file"
    assert headers["content-range"].endswith(f"/{len(webm)}")
    assert "content-encoding" not in headers
