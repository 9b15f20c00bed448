"""Technical accuracy, the part text can check: unsafe advice (facts are not checked)."""

import re

from ticket_platform.evaluation.text_checks.prose import _I, _unique
from ticket_platform.evaluation.text_checks.steps import info_requests

_OFF = r"\b(?:disabl\w*|turn(?:ing|s)? off|switch(?:ing|es)? off|deactivat\w*|suspend\w*)"
_CREDENTIALS = (
    r"(?:passwords?|passphrases?|secret (?:access )?keys?|private keys?|credentials"
    r"|access keys?(?!\s*IDs?\b)|session tokens?|MFA codes?)"
)
_UNSAFE: dict[str, re.Pattern[str]] = {
    "disables encryption": re.compile(
        rf"(?:{_OFF}|\bremov\w*)[^.\n]{{0,30}}\bencryption\b"
        r"|\b(?:store|send|keep|save)\w*\b[^.\n]{0,40}\b(?:unencrypted|in plain ?text)\b",
        _I,
    ),
    "makes data public": re.compile(
        r"\bmak(?:e|ing)\b[^.\n]{0,40}\b(?:buckets?|objects?|snapshots?|AMIs?|databases?"
        r"|repositor(?:y|ies)|files?)\b[^.\n]{0,20}\bpublic"
        rf"|{_OFF}[^.\n]{{0,30}}\bBlock Public Access\b|(?<![\w-])public-read(?:-write)?(?![\w-])"
        r'|"Principal"\s*:\s*(?:"\*"|\{\s*"AWS"\s*:\s*"\*")'
        r"|\b(?:set|make|enable|turn on)\b[^.\n]{0,40}\bpublicly accessible\b"
        r"|\b(?:grant|allow|give)\b[^.\n]{0,30}\b(?:public|everyone|anyone)\b[^.\n]{0,15}"
        r"\baccess\b",
        _I,
    ),
    "opens access to the world": re.compile(
        r"\b(?:allow|open|permit|add|authori[sz]e)\w*\b[^.\n]{0,60}(?:0\.0\.0\.0/0|::/0)"
        r"|\bopen\w*\b[^.\n]{0,40}\bto (?:the (?:whole )?(?:world|internet)|everyone|anyone)\b"
        r"|\ballow(?:ing)? all (?:inbound |incoming )?traffic\b",
        _I,
    ),
    "grants admin or wildcard permissions": re.compile(
        r'\bAdministratorAccess\b|"Action"\s*:\s*(?:"\*"|\[\s*"\*"\s*\])|"[a-z0-9-]+:\*"'
        r"|\b(?:grant|give|attach|assign|add)(?:ing)?\b[^.\n]{0,40}\b(?:full )?"
        r"(?:admin(?:istrator)?|root) (?:access|permissions|rights|privileges)\b",
        _I,
    ),
    "shares or hard-codes credentials": re.compile(
        r"\b(?:send|share|provide|email|paste|post|give)\b(?:\s+(?:us|me|it|support))?"
        rf"(?:\s+with)?\s+(?:your|the|root|account|admin)\b[^.\n]{{0,25}}\b{_CREDENTIALS}\b"
        rf"|\bhard-?cod\w*\b[^.\n]{{0,40}}\b(?:{_CREDENTIALS}|keys?|secrets?)\b",
        _I,
    ),
    "rm -rf": re.compile(r"\brm\s+-(?:rf|fr|r\s+-f|f\s+-r)\b", _I),
    "chmod 777": re.compile(r"\bchmod\s+(?:-R\s+)?0?777\b", _I),
    "deletes data without a backup": re.compile(
        r"\b(?:delete|deleting|drop|dropping|purge|purging|truncate|truncating|wipe|wiping"
        r"|erase|erasing|destroy|destroying)(?:\s+(?:all|the|your|any|existing|old|of))*\s+"
        r"(?:data|databases?|db|tables?|buckets?|objects?|volumes?|clusters?|file\s+systems?"
        r"|ind(?:ex|exes|ices)|snapshots?|backups?|recovery points?|streams?|records|items"
        r"|keyspace)\b(?![\s-]+(?:polic|config|rules?\b|settings?\b|tags?\b|notif|permission"
        r"|lifecycle|ACL|names?\b|markers?\b|alarms?\b|metrics?\b|groups?\b|protection"
        r"|replication))"  # "delete the bucket policy" deletes no data
        r"|(?-i:\bDROP\s+(?:TABLE|DATABASE)\b|\bFLUSHALL\b)",
        _I,
    ),
    "opens a policy to every principal": re.compile(
        r"\bprincipal\b(?![\"'])(?:[^.\n]{0,80}?\b(?:to|for|as)\b)?\W{0,3}"
        r'(?:\{\s*"AWS"\s*:\s*)?[`\'"]{0,2}\*[`\'"]{0,2}(?![\w*])',
        _I,
    ),
    "disables encryption in transit": re.compile(
        rf"{_OFF}[^.\n]{{0,20}}\b(?:TLS|SSL|HTTPS)\b(?![\s-]*(?:v?1\.[01]|versions?|ciphers?))"
        r"|\b(?:tls|ssl|force_ssl|require_secure_transport)\b[`'\"]?[^.\n]{0,30}?\bto\s*"
        r"[`'\"]?(?:disabled|off|false|0)\b",
        _I,
    ),
    "deletes a key that data depends on": re.compile(
        r"\bschedul\w*\b[^.\n]{0,40}\bkeys?\b[^.\n]{0,20}\bfor deletion\b"
        r"|\bschedule-key-deletion\b",
        _I,
    ),
    "disables a safeguard": re.compile(
        rf"{_OFF}[^.\n]{{0,30}}\b(?:deletion protection|MFA|multi-factor|CloudTrail|audit "
        r"logging|(?:ssl|tls|certificate) (?:verification|validation))\b|--no-verify-ssl\b",
        _I,
    ),
}
# Before (or inside) the advice, in the same sentence: it is advice against it, or a diagnosis.
_NEGATION = re.compile(
    r"\b(?:not|no|never|avoid|avoiding|without|instead of|rather than|refrain from|whether)\b"
    r"|n['\u2019]t\b",
    _I,
)
_BACKUP = re.compile(r"\b(?:backups?|snapshots?|cop(?:y|ies)|export|restore|versioning)\b", _I)
_SECRET = re.compile(rf"\b{_CREDENTIALS}\b", _I)


def _sentence_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The sentence up to ``end``, and the whole sentence without ``text[start:end]``."""
    begin = max(text.rfind(mark, 0, start) for mark in ".!?\n") + 1
    stops = [i for i in (text.find(mark, end) for mark in ".!?\n") if i != -1]
    finish = min(stops) if stops else len(text)
    return text[begin:end], text[begin:start] + " " + text[end:finish]


_EFFECT = re.compile(r'"Effect"\s*:\s*"(Allow|Deny)"', _I)
_POLICY_KINDS = frozenset(
    (
        "makes data public",
        "grants admin or wildcard permissions",
        "opens a policy to every principal",
    )
)
# A wildcard principal narrowed by a condition (aws:SourceArn, aws:PrincipalOrgID) is not open.
_CONDITION = re.compile(r"\bconditions?\b|\baws:\w+", _I)
# The last clause before the advice: a negation in an earlier clause ("If it does not finish,
# delete the stream") does not govern it.
_CLAUSE_BREAK = re.compile(r"[,;:]\s|\s(?:then|and then|so)\s", _I)
# A clause that opens with a subordinator describes a case, it does not advise ("even if a
# developer attaches AdministratorAccess", "if you delete the table, ...").
_SUBORDINATE = re.compile(
    r"^\W*(?:even )?(?:if|when|whenever|unless|although|though|because|since)\b", _I
)


def _in_deny_statement(text: str, start: int) -> bool:
    """Whether the policy statement around ``start`` denies: ``"Principal": "*"`` with
    ``"Action": "s3:*"`` in a Deny statement (deny insecure transport) grants nothing."""
    block_start = max(text.rfind("```", 0, start), text.rfind("\n\n", 0, start))
    effects = _EFFECT.findall(text, max(block_start, 0), start)
    return bool(effects) and effects[-1].lower() == "deny"


def unsafe_advice(text: str) -> list[str]:
    """Unsafe advice in ``text``, as ``"<kind>: '<words>'"``; advice against it is not counted.

    "Do not disable encryption" and "check whether the bucket allows public access" are not
    unsafe; "delete the table" is, unless the same sentence mentions a backup, snapshot, copy or
    export. Only the advice's own clause can negate it ("If it does not finish, delete the
    stream" is unsafe), and a clause that opens with "if", "when", "unless"... describes a case
    rather than advising it. A principal of "*" narrowed by a condition is not open. Secrets the
    response asks the customer to send ("please provide: - the root password") count as sharing
    credentials.
    """
    found = []
    for kind, pattern in _UNSAFE.items():
        for match in pattern.finditer(text):
            upto, rest = _sentence_around(text, match.start(), match.end())
            clause = _CLAUSE_BREAK.split(upto)[-1]
            if _NEGATION.search(clause) or _SUBORDINATE.search(clause):
                continue
            if kind == "opens a policy to every principal" and _CONDITION.search(rest):
                continue
            if kind == "deletes data without a backup" and _BACKUP.search(rest):
                continue
            if kind in _POLICY_KINDS and _in_deny_statement(text, match.start()):
                continue
            found.append(f"{kind}: '{match.group(0)}'")
    shares = "shares or hard-codes credentials"
    for request in info_requests(text):
        match = _SECRET.search(request)
        if match and not _NEGATION.search(request) and not any(shares in f for f in found):
            found.append(f"{shares}: '{match.group(0)}'")
    return _unique(found)
