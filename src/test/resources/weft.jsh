import dev.weft.*;
import dev.weft.scope.*;
import dev.weft.event.*;
import dev.weft.lock.*;
import dev.weft.cuda.*;
import dev.weft.metrics.*;
import java.time.Duration;
import java.util.concurrent.Callable;
