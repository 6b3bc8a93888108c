"""Default texts of the pages, created by a data migration so every installation has them.

"[Bitte ergänzen: …]" marks the facts the operator must fill in in the admin
(Verwaltung → Seiten). The demo (seiten/demo.py) fills them from the seeds.
"""

IMPRESSUM = """## Herausgeber
[Bitte ergänzen: Name der Behörde, z. B. Landkreis …]
[Bitte ergänzen: Straße und Hausnummer]
[Bitte ergänzen: Postleitzahl und Ort]

Telefon: [Bitte ergänzen]
E-Mail: [Bitte ergänzen]

Der Landkreis ist eine Körperschaft des öffentlichen Rechts.

## Vertreten durch
[Bitte ergänzen: z. B. die Landrätin oder den Landrat, Name]

## Umsatzsteuer-Identifikationsnummer
[Bitte ergänzen, falls vorhanden: nach § 27a Umsatzsteuergesetz]

## Verantwortlich für den Inhalt
[Bitte ergänzen: Name, Funktion und Anschrift der verantwortlichen Person]

## Förderung
Dieses Portal ist ein Angebot im Modellprogramm „Zukunftswerkstatt Kommunen – Attraktiv im Wandel“. Das Programm wird gefördert vom Bundesministerium für Familie, Senioren, Frauen und Jugend.

## Links zu anderen Angeboten
Für die Inhalte von Seiten anderer Anbieter, auf die wir verlinken, sind deren Anbieter verantwortlich. Wenn uns ein rechtswidriger Inhalt bekannt wird, entfernen wir den Link.
"""

DATENSCHUTZ = """Mit dieser Erklärung informieren wir Sie nach Art. 13 der Datenschutz-Grundverordnung (DSGVO), welche personenbezogenen Daten das Portal verarbeitet, wozu, auf welcher Rechtsgrundlage und wie lange.

## Verantwortliche Stelle
[Bitte ergänzen: Name der Behörde]
[Bitte ergänzen: Anschrift]
E-Mail: [Bitte ergänzen]

## Datenschutzbeauftragte oder Datenschutzbeauftragter
[Bitte ergänzen: Name oder Funktion, Anschrift, E-Mail]

## Aufruf der Seiten
Beim Aufruf einer Seite verarbeitet der Server technisch notwendige Angaben (IP-Adresse, Zeitpunkt, aufgerufene Adresse), um die Seite auszuliefern. [Bitte ergänzen: ob und wie lange der Betreiber des Servers Protokolle speichert.] Das Portal lädt keine Inhalte von fremden Servern nach und verwendet keine Analyse- oder Werbedienste. Es setzt nur Cookies, die für die Anmeldung und den Schutz der Formulare nötig sind.

## Aufbewahrung von Förderakten
Eingereichte Anträge gehören zur Akte der Zuwendung. [Bitte ergänzen: Aufbewahrungsfrist nach dem Haushaltsrecht und der Aktenordnung der Behörde, z. B. „… Jahre nach Abschluss des Verwendungsnachweises“.]

## Beschwerde bei der Aufsichtsbehörde
Sie können sich bei einer Datenschutz-Aufsichtsbehörde beschweren (Art. 77 DSGVO).
[Bitte ergänzen: zuständige Aufsichtsbehörde des Landes mit Anschrift und E-Mail]
"""

BARRIEREFREIHEIT = """[Bitte ergänzen: Name der Behörde] ist bemüht, dieses Portal barrierefrei zugänglich zu machen. Rechtsgrundlagen sind [Bitte ergänzen: das Behindertengleichstellungsgesetz des Landes und die Landesverordnung über barrierefreie Informationstechnik] in Verbindung mit der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) und der harmonisierten europäischen Norm EN 301 549 (WCAG 2.1, Stufe AA).

Diese Erklärung gilt für das Portal unter [Bitte ergänzen: Internetadresse].

## Stand der Vereinbarkeit
Dieses Portal ist teilweise mit den Anforderungen vereinbar. Die Inhalte, die noch nicht barrierefrei sind, stehen in der Liste unten.

## Nicht barrierefreie Inhalte
- PDF-Dateien (Werkstattplan, Teilnehmerlisten, Eingangsbestätigungen und Bescheide) werden automatisch erzeugt. Ob sie vollständig barrierefrei sind (PDF/UA), ist noch nicht geprüft. Alle Inhalte gibt es auch als Webseite; Bescheide schicken wir Ihnen auf Wunsch in einer anderen Form.
- Dateien, die Antragstellende oder die Verwaltung hochladen, können Barrieren enthalten.
- Ein Video in Deutscher Gebärdensprache wird noch vorbereitet, falls auf der Seite „Gebärdensprache“ noch keines zu sehen ist.
- [Bitte ergänzen: weitere Ergebnisse der Prüfung, mit Begründung und Angabe einer barrierefreien Alternative]

## Erstellung dieser Erklärung
Die Erklärung beruht auf einer Selbstbewertung. [Bitte ergänzen: Art der Prüfung, z. B. „Prüfung durch … nach BITV-Test“.] Das Datum der letzten Überprüfung steht oben auf dieser Seite.

## Durchsetzungsverfahren
Wenn Sie auf Ihre Meldung innerhalb von sechs Wochen keine zufriedenstellende Antwort erhalten haben, können Sie sich an die zuständige Durchsetzungs- oder Schlichtungsstelle wenden. Das Verfahren ist für Sie kostenlos.
[Bitte ergänzen: zuständige Stelle nach dem Landesrecht (für Stellen des Bundes ist es die Schlichtungsstelle nach § 16 BGG), mit Anschrift, Telefon, E-Mail und Internetadresse]
"""

LEICHTE_SPRACHE = """## Was ist dieses Portal?
Dieses Portal ist eine Internet·seite.

Die Internet·seite ist von Ihrem Landkreis.

Hier gibt es 3 Dinge:

- den Werkstatt·plan,
- Veranstaltungen,
- Geld für kleine Projekte.

## Was ist der Werkstatt·plan?
Der Werkstatt·plan ist ein Plan für die Zukunft.

Im Plan steht:
Was will der Landkreis machen?
Damit die Menschen gerne hier leben.
Junge Menschen und alte Menschen.

## Wie melde ich mich für eine Veranstaltung an?
Eine Veranstaltung ist zum Beispiel ein Treffen.
Oder ein Gespräch.

So melden Sie sich an:

- Klicken Sie oben auf: Veranstaltungen.
- Suchen Sie eine Veranstaltung aus.
- Wählen Sie: Wo sind Sie dabei? Vor Ort oder im Internet.
- Schreiben Sie Ihren Namen und Ihre E-Mail-Adresse.
- Klicken Sie auf: Verbindlich anmelden.
- Sie bekommen dann eine E-Mail.
- In der E-Mail ist ein Link. Klicken Sie auf den Link.
- Dann ist Ihr Platz sicher.

Sie können nicht kommen?
Dann öffnen Sie den Link in der E-Mail.
Klicken Sie dort auf: Anmeldung stornieren.
So bekommt ein anderer Mensch Ihren Platz.

## Wie bekomme ich Geld für ein Projekt?
Der Landkreis hat Geld für kleine Projekte.
Das Geld heißt: Klein·projekte·fonds.

Ein Projekt ist zum Beispiel:
Ein Treff·punkt für Jung und Alt.
Oder ein Fest im Dorf.

Das Geld bekommen zum Beispiel Vereine.
Oder Gemeinden.

So stellen Sie einen Antrag:

- Klicken Sie oben auf: Förderung.
- Lesen Sie den Aufruf. Dort steht: Bis wann können Sie den Antrag schicken?
- Melden Sie sich an. Sie brauchen dafür eine E-Mail-Adresse.
- Füllen Sie den Antrag aus. Sie können den Antrag speichern. Und später weiter·machen.
- Klicken Sie auf: Antrag einreichen.
- Sie bekommen eine E-Mail. Dann wissen Sie: Der Antrag ist da.

Eine Gruppe von Menschen liest die Anträge.
Die Gruppe heißt: Jury.
Die Jury sucht Projekte aus.
Danach bekommen Sie eine Nachricht.
In der Nachricht steht: Bekommen Sie Geld? Wie viel Geld?

## Wen kann ich fragen?
Sie haben eine Frage?
Dann fragen Sie die Koordination.

[Bitte ergänzen: Name, Telefon und E-Mail-Adresse der Koordination]

Etwas auf der Internet·seite ist schwer für Sie?
Dann sagen Sie es uns.
Klicken Sie unten auf: Barriere melden.
"""

GEBAERDENSPRACHE = """Auf dieser Seite erklären wir in Deutscher Gebärdensprache, was das Portal anbietet: den Werkstattplan, die Veranstaltungen mit Anmeldung und den Kleinprojektefonds.

Sie brauchen für eine Veranstaltung eine Gebärdensprachdolmetschung? Schreiben Sie es bei der Anmeldung in das Feld „Brauchen Sie Unterstützung, um teilnehmen zu können?“. Wir kümmern uns darum.
"""

TEXTE = {
    "impressum": ("Impressum", IMPRESSUM),
    "datenschutz": ("Datenschutzerklärung", DATENSCHUTZ),
    "barrierefreiheit": ("Erklärung zur Barrierefreiheit", BARRIEREFREIHEIT),
    "leichte-sprache": ("Informationen in Leichter Sprache", LEICHTE_SPRACHE),
    "gebaerdensprache": ("Informationen in Deutscher Gebärdensprache", GEBAERDENSPRACHE),
}
