import type { KeywordList } from './types.js';

// Dutch is not in Purview's card lists; these are the terms Dutch card issuers and payment
// pages use (ING, Rabobank, ABN AMRO card pages; iDEAL/Adyen checkout labels).
export const nl: KeywordList = {
  card: [
    'kaart', 'creditcard', 'creditcardnummer', 'kaartnummer', 'betaalkaart', 'bankpas', 'pinpas', 'kaarthouder',
    'pasnummer', 'betaling',
  ],
  securityCode: ['beveiligingscode', 'veiligheidscode', 'controlecode', 'verificatiecode'],
  expiry: ['vervaldatum', 'geldig tot', 'verloopdatum', 'geldigheidsdatum'],
  negativeHard: ['telefoon', 'telefoonnummer', 'mobiel', 'bsn', 'tijdstempel'],
  negativeSoft: ['bestelling', 'bestelnummer', 'factuur', 'factuurnummer', 'referentie', 'zending', 'serienummer', 'klantnummer', 'dossier'],
};
