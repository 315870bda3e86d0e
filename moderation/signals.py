"""Risk signals: cheap deterministic hints that an LLM scam score is worth paying for.

Romance scams start long before a wallet or a phone number appears: with an oil rig, a
deployment, an inheritance or a "sure" investment. None of that is a reason to block, but a
message that talks like it deserves the scorer's look.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from moderation.detectors import Finding
from moderation.normalization import mixed_script_words, normalize

__all__ = ["RiskSignals", "risk_signals"]

# Canonical term → phrasing in English, Spanish, French, German, Italian and Portuguese, on the
# folded view (lowercase, no accents).
_RISKY_TERMS: dict[str, str] = {
    "investment": (
        r"invest(?:ment|ments|ing|or)?|inversion(?:es)?|invertir|investissements?|investir|"
        r"investition(?:en)?|investieren|geldanlage|investimenti|investimento|investire"
    ),
    "crypto": r"crypto\w*|bitcoin\w*|btc|usdt|cripto\w*|krypto\w*|ethereum|binance",
    "wallet": r"wallet|billetera|portefeuille|portafoglio|carteira\s+digital",
    "trading": r"trading|forex|trader|binary\s+options?|opciones\s+binarias|options\s+binaires",
    "sugar daddy": r"sugar\s?(?:daddy|mommy|mama|baby)",
    "allowance": r"allowance|mesada|paghetta|taschengeld|mensualidad|argent\s+de\s+poche",
    "military deployment": (
        r"(?:military|army)\s+(?:doctor|surgeon|officer|base|mission)|deployed|deployment|"
        r"peacekeeping|un\s+mission|medico\s+militar|mision\s+de\s+paz|medecin\s+militaire|"
        r"militararzt|im\s+einsatz|medico\s+militare|missione\s+di\s+pace|missao\s+de\s+paz"
    ),
    "oil rig": (
        r"oil\s+(?:rig|platform)|offshore\s+(?:rig|platform|engineer)|plataforma\s+petrolera|"
        r"plate-?forme\s+petroliere|bohrinsel|olplattform|piattaforma\s+petrolifera|"
        r"plataforma\s+de\s+petroleo"
    ),
    "inheritance": r"inheritance|herencia|heritage|erbe|erbschaft|eredita|heranca",
    "customs fee": (
        r"customs|clearance\s+fee|aduana|douane|dedouanement|zoll\w*|dogana|sdoganamento|"
        r"alfandega"
    ),
    "stuck abroad": (
        r"stuck\s+(?:abroad|in|at\s+the\s+airport)|stranded|atrapad[oa]\s+en|varad[oa]|"
        r"bloque(?:e)?\s+(?:a|en|au)|festsitzen|sitze\s+fest|gestrandet|bloccat[oa]\s+(?:a|in)|"
        r"pres[oa]\s+(?:em|no|na)"
    ),
    "hospital bills": (
        r"hospital\s+(?:bills?|fees?)|medical\s+(?:bills?|fees?)|surgery\s+(?:costs?|fees?)|"
        r"gastos\s+medicos|factura\s+del\s+hospital|frais\s+(?:medicaux|d'hopital)|"
        r"krankenhausrechnung|arztrechnung|spese\s+(?:mediche|ospedaliere)|"
        r"contas?\s+(?:do\s+)?hospital|despesas\s+medicas"
    ),
    "send money": (
        r"send\s+(?:me\s+)?(?:some\s+)?money|wire\s+(?:the\s+)?money|money\s+transfer|"
        r"western\s?union|money\s?gram|gift\s?cards?|envia(?:me)?\s+dinero|manda(?:me)?\s+dinero|"
        r"envoie(?:[\s\-]moi)?\s+(?:de\s+)?l'argent|schick\s+(?:mir\s+)?geld|"
        r"manda(?:mi)?\s+(?:dei\s+)?soldi|manda\s+(?:o\s+)?dinheiro|envia\s+dinheiro"
    ),
    "loan": r"loans?|prestamos?|pret\s+d'argent|darlehen|kredit|prestito|emprestimo",
    "guaranteed returns": (
        r"guaranteed\s+(?:returns?|profits?)|double\s+your\s+money|ganancias\s+garantizadas|"
        r"rendement\s+garanti|garantierte\s+rendite|rendimento\s+garantito|lucro\s+garantido"
    ),
    "widowed": r"widow(?:er|ed)?|viud[oa]|veu(?:f|ve)|witwe[rn]?|vedov[oa]|viuv[oa]",
    "verification fee": r"verification\s+fee|activation\s+fee|release\s+fee|processing\s+fee",
}
_LABELS = list(_RISKY_TERMS)
_RISKY = re.compile(
    "|".join(rf"\b(?P<t{i}>{pattern})\b" for i, pattern in enumerate(_RISKY_TERMS.values()))
)


@dataclass(frozen=True, slots=True)
class RiskSignals:
    """What makes a message worth a scam score, each on its own."""

    mixed_script: bool
    risky_terms: tuple[str, ...]
    has_findings: bool

    @property
    def worth_scoring(self) -> bool:
        """True when any signal is present: the LLM score is worth its cost."""
        return self.mixed_script or bool(self.risky_terms) or self.has_findings


def risk_signals(text: str, findings: Sequence[Finding]) -> RiskSignals:
    """Risk signals of ``text`` given the ``findings`` the detectors reported for it.

    ``risky_terms`` are canonical English labels ("oil rig", "crypto"), each once, in order
    of first appearance, whatever language the message is in.
    """
    terms: list[str] = []
    for match in _RISKY.finditer(normalize(text).text):
        label = _LABELS[int((match.lastgroup or "t0")[1:])]
        if label not in terms:
            terms.append(label)
    mixed = any(f.kind == "mixed_script" for f in findings) or bool(mixed_script_words(text))
    return RiskSignals(mixed_script=mixed, risky_terms=tuple(terms), has_findings=bool(findings))
