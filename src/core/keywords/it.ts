import type { KeywordList } from './types.js';

// Sources: Purview Keyword_cc_name / Keyword_cc_verification (Italian entries).
export const it: KeywordList = {
  card: [
    'carta', 'carta di credito', 'carta credito', 'carta di debito', 'n carta', 'n. carta', 'nr carta', 'nr. carta',
    'numero carta', 'numero della carta', 'numero di carta', 'titolare della carta', 'bancomat', 'pagamento',
  ],
  securityCode: ['codice di verifica', 'codice di sicurezza', 'cod sicurezza', 'cod. sicurezza'],
  expiry: ['scadenza', 'data scad', 'data di scadenza', 'valida fino'],
  negativeHard: ['telefono', 'cellulare', 'codice fiscale', 'marca temporale'],
  negativeSoft: ['ordine', 'numero ordine', 'fattura', 'riferimento', 'spedizione', 'numero di serie', 'pratica'],
};
