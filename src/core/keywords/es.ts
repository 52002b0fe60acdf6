import type { KeywordList } from './types.js';

// Sources: Purview Keyword_cc_name / Keyword_cc_verification (Spanish entries); Presidio's es list.
export const es: KeywordList = {
  card: [
    'tarjeta', 'tarjeta de credito', 'tarjeta credito', 'tarjeta de debito', 'tarjeta debito', 'tarjeta atm',
    'tarjeta de atm', 'numero de tarjeta', 'no de tarjeta', 'n de tarjeta', 'tarjeta no', 'tarjetahabiente',
    'titular de la tarjeta', 'credito', 'debito', 'pago',
  ],
  securityCode: ['codigo de seguridad', 'cod seg', 'cod. seg', 'codigo de verificacion', 'codigo cvv'],
  expiry: ['fecha de expiracion', 'fecha de vencimiento', 'fecha de venc', 'vencimiento', 'valido hasta', 'vto', 'caducidad', 'fecha de caducidad'],
  negativeHard: ['telefono', 'movil', 'celular', 'marca de tiempo', 'suma de comprobacion'],
  negativeSoft: ['pedido', 'numero de pedido', 'factura', 'referencia', 'seguimiento', 'numero de serie', 'expediente'],
};
