"""The annex sentences each change-control condition comes from, quoted verbatim (Bijlage 12a).

A test checks that every quote occurs, character for character, in the annex text.
"""
from __future__ import annotations

from types import MappingProxyType

_S1_GOAL_FIXED = ("Het doel is het enige vaste ankerpunt in de sturing op de dienstverlening en verandert alleen als "
                  "de organisatiestrategie verandert.")
_S1_COMPOSITION = "De samenstelling van KPI's per doel kan worden aangepast als een betere maatstaf beschikbaar is."
_S1_CONSENT = "Wijziging vereist instemming van beide partijen via de governance-cadans."
_S1_SURCHARGE = ("De Opdrachtnemer kan geen aanspraak maken op een risico-opslag als gevolg van een gewijzigde "
                 "KPI-samenstelling, mits de gewijzigde norm niet zwaarder is dan de normen waarop bij inschrijving "
                 "is geoffereerd.")
_S1_KPI = "Een KPI is een meetbare grootheid die aangeeft in welke mate een doel wordt gerealiseerd."
_MIN_QUESTION = "Wat mag nooit ontbreken?"
_MIN_CHARACTER = ("Een minimale eis wordt periodiek getoetst. Indien een minimale eis tevens als KPI is ingericht, kan "
                  "daarover ook periodiek worden gerapporteerd.")
_LEGEND_YES = "KPI is tevens minimale contracteis (pass/fail, periodiek getoetst)."
_LEGEND_CONTRACT = "Proceseis; contractueel geborgd, geen doorlopende KPI-rapportage."
_S2_FLOOR = ("Per leveranciersnorm geldt een door de Aanbestedende dienst vastgestelde minimumdrempel; Inschrijvers "
             "kunnen uitsluitend een norm opgeven die gelijk aan of beter is dan deze drempel.")
_S2_SHEET = "De Inschrijver vult deze normen in op het invulblad (Bijlage 12b)."
_S2_STATUS = ("In de kolom 'Status norm' is zichtbaar of een norm volledig door de Opdrachtgever is vastgesteld, door "
              "de Leverancier bij inschrijving moet worden ingevuld, of bestaat uit een minimumeis met ruimte voor een "
              "hogere norm door de Leverancier.")
_LEGEND_FLOOR = "Opdrachtgever stelt een ondergrens; Leverancier mag bij inschrijving een hogere norm aanbieden."
_S21_PRICE = ("Inschrijver aanvaardt voorts dat wijziging van de KPI-samenstelling geen aanleiding geeft tot "
              "prijsherziening, mits de gewijzigde norm niet verzwarend is ten opzichte van de bij inschrijving "
              "opgegeven norm.")
_S22_I = "(i) beide partijen schriftelijk instemmen via de governance-cadans,"
_S22_II = ("(ii) de gewijzigde norm niet wezenlijk lichter is dan de bij inschrijving opgegeven norm tenzij aantoonbaar "
           "technisch objectief gerechtvaardigd, en")
_S22_III = "(iii) de wijziging per kwartaalgrens ingaat en gedocumenteerd wordt in het contractdossier."
_S3_WINDOW = ("Minimumeis: servicevenster tot 18:00 uur. Leverancier mag bij inschrijving optioneel een ruimer "
              "servicevenster aanbieden.")
_S3_WINDOW_NORM = "Werkdagen 08:00–18:00 (minimumeis)"

#: The tender declaration of §2.1, verbatim: a tender sheet must carry it.
DECLARATION = (
    "Inschrijver verklaart kennis te hebben genomen van Bijlage 12 en het invulblad leveranciersnormen (Bijlage 12b). "
    "Inschrijver garandeert dat de ingevulde normen realistisch zijn en gebaseerd op aantoonbare capaciteit en "
    "ervaring, en bindend zijn bij gunning. De bij inschrijving opgegeven normen gelden gedurende de volledige "
    "contractperiode als contractuele referentie. Inschrijver aanvaardt voorts dat wijziging van de "
    "KPI-samenstelling geen aanleiding geeft tot prijsherziening, mits de gewijzigde norm niet verzwarend is ten "
    "opzichte van de bij inschrijving opgegeven norm."
)

#: condition -> (annex section, verbatim sentences)
SOURCES = MappingProxyType({
    # change requests (§1, §2.2)
    "goal_fixed": ("1", (_S1_GOAL_FIXED,)),
    "consent": ("2.2 (i)", (_S22_I, _S1_CONSENT)),
    "materiality": ("2.2 (ii)", (_S22_II,)),
    "floor": ("2", (_S2_FLOOR, _LEGEND_FLOOR)),
    "quarter_boundary": ("2.2 (iii)", (_S22_III,)),
    "recorded": ("2.2 (iii)", (_S22_III,)),
    "not_retroactive": ("2.2 (iii)", (_S22_III, _S1_CONSENT)),
    "unambiguous": ("2.2 (iii)", (_S22_III,)),
    "same_goal": ("1", (_S1_COMPOSITION,)),
    "composition": ("1", (_S1_COMPOSITION,)),
    "minimum_requirement": ("1 Begrippen, Legenda", (_MIN_QUESTION, _MIN_CHARACTER, _LEGEND_YES, _LEGEND_CONTRACT,
                                                     _S1_COMPOSITION)),
    "norm_complete": ("1", (_S1_KPI,)),
    "goal_not_empty": ("1", (_S1_KPI,)),
    "price_claim": ("1, 2.1", (_S1_SURCHARGE, _S21_PRICE)),
    # tender sheet (§2, §2.1, §3)
    "tender_known": ("2", (_S2_STATUS,)),
    "tender_present": ("2", (_S2_SHEET, _S2_STATUS)),
    "tender_floor": ("2", (_S2_FLOOR, _LEGEND_FLOOR)),
    "service_window": ("3", (_S3_WINDOW_NORM, _S3_WINDOW)),
    "declaration": ("2.1", (DECLARATION,)),
})


def all_quotes() -> list[str]:
    return sorted({q for _, qs in SOURCES.values() for q in qs})
