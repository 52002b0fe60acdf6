import type { KeywordList } from './types.js';

// Sources: Purview Keyword_cc_name / Keyword_cc_verification (German entries).
export const de: KeywordList = {
  card: [
    'karte', 'kreditkarte', 'kreditkarten', 'kreditkartennummer', 'kreditkarten-nummer', 'kartennummer', 'kartennr',
    'karteninhaber', 'karteninhabers', 'kreditkarteninhaber', 'kreditkarteninstitut', 'kreditkartentyp',
    'eigentumername', 'debitkarte', 'bankkarte', 'girocard', 'ec-karte', 'zahlungskarte', 'zahlung',
  ],
  securityCode: [
    'kreditkartenprufnummer', 'prufziffer', 'prufnummer', 'kartenprufnummer', 'sicherheitscode', 'sicherheits kode',
    'sicherheitsnummer',
  ],
  expiry: ['verfalldatum', 'ablauf', 'ablaufdatum', 'gultig bis', 'gultigkeitsdatum', 'gultigkeit', 'lauft ab'],
  negativeHard: ['telefon', 'telefonnummer', 'handy', 'mobil', 'zeitstempel', 'prufsumme', 'steuernummer', 'sozialversicherungsnummer'],
  negativeSoft: ['bestellung', 'bestellnummer', 'rechnung', 'rechnungsnummer', 'sendungsnummer', 'auftrag', 'auftragsnummer', 'kundennummer', 'seriennummer', 'referenz', 'aktenzeichen'],
};
