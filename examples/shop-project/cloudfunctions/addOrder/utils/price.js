// Required as 'utils/price' (not './utils/price'): it resolves because SCF puts the function's
// root on NODE_PATH, a habit of real projects.
const PRICES = { tea: 1200, cake: 2500 };

exports.priceOf = function (item, quantity) {
  if (!(item in PRICES)) throw new Error('unknown item ' + item);
  return PRICES[item] * quantity;
};
